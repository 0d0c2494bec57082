"""Verbs that change the job database: add, rm, clear, db backup (`stats` and `jobs`,
which only read it, are in cli/listing_verbs.py).

Their parsers are in cli/verb_parsers.py. What only one verb needs (the engine's folder
check, the worker control, pg_dump) is imported in the function that uses it.

Text that comes from files or rows (titles from tags, folder and file names) is printed
through safe_text.visible: an escape sequence in a tag never reaches the terminal live.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from aiom4b_tui.cli.args import EXIT_OK, EXIT_USAGE, CliError
from aiom4b_tui.cli.error_messages import validation_message
from aiom4b_tui.cli.json_output import print_json
from aiom4b_tui.cli.listing_verbs import job_json
from aiom4b_tui.cli.output_exists import output_folder_note, settle_existing
from aiom4b_tui.cli.verb_context import find_job, open_context
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.models import JobCreate, JobStatus


def cmd_add(args: argparse.Namespace) -> int:
    """Queue one job: one book from the given folders, in the order given."""
    from aiom4b_tui.cli.book_flags import book_options
    from aiom4b_tui.engine.plan.title import job_title
    from aiom4b_tui.engine.sources.book_check import missing_audio

    try:
        options = book_options(
            args, output_dir=args.output_dir.expanduser().resolve() if args.output_dir else None
        )
        job_data = JobCreate(
            input_folders=args.folders,
            title=job_title(args.folders, options),
            options=options,
        )
    except ValidationError as exc:
        raise CliError(validation_message(exc), EXIT_USAGE) from exc
    no_audio = missing_audio(job_data.input_folders)
    if no_audio is not None:
        raise CliError(visible(no_audio), EXIT_USAGE)
    with open_context(args) as ctx:
        said = sys.stderr if args.json else sys.stdout
        if not settle_existing(job_data, ctx.settings, args.if_exists, said):
            return EXIT_OK
        job = ctx.service.to_conversion_job(ctx.service.create_job(job_data))
        # said once the book is queued: a failed add says one thing, its error
        if note := output_folder_note(ctx.settings, job_data):
            print(note, file=sys.stderr)
        data_dir = ctx.settings.data_dir
    if args.json:
        print_json(job_json(job))
    else:
        print(f"queued {job.id}  {visible(job.display_title)}")
    if not args.no_worker:
        _start_worker(data_dir, sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _start_worker(data_dir: Path, stream: TextIO) -> None:
    """Start a detached worker for the data dir unless one runs (then say nothing)."""
    from aiom4b_tui.queue.control.spawn import ensure_worker
    from aiom4b_tui.queue.control.worker_log import WORKER_LOG

    pid = ensure_worker(data_dir)
    if pid is not None:
        print(f"worker started (pid {pid}, log: {data_dir / WORKER_LOG})", file=stream)


def cmd_rm(args: argparse.Namespace) -> int:
    """Delete a job that is not running."""
    from aiom4b_tui.queue.work_folders import discard_work

    with open_context(args) as ctx:
        job = find_job(ctx.service, args.id)
        if job.status is JobStatus.RUNNING:
            raise CliError(f"job {job.id} is running; cancel it first", EXIT_USAGE)
        ctx.service.delete_job(job.id)
        discard_work(job, ctx.settings)  # a stopped job keeps its work for a resume
    print(f"deleted {job.id}")
    return EXIT_OK


def cmd_clear(args: argparse.Namespace) -> int:
    """Delete finished jobs older than N days."""
    with open_context(args) as ctx:
        days = ctx.settings.days_kept if args.days is None else args.days
        removed = ctx.service.clear_old_jobs(days_old=days)
    print(f"cleared {removed} finished job{'s' if removed != 1 else ''} older than {days} days")
    return EXIT_OK


def cmd_db_backup(args: argparse.Namespace) -> int:
    """Copy the database with SQLite's online backup (PostgreSQL: pg_dump)."""
    from aiom4b_tui.store.database.postgres import PgDumpMissingError

    with open_context(args) as ctx:
        try:
            dest = ctx.db.backup(args.to.expanduser() if args.to else ctx.settings.backup_dir)
        except PgDumpMissingError as exc:
            raise CliError(str(exc)) from exc
    print(visible(dest))
    return EXIT_OK
