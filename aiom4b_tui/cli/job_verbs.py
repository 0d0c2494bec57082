"""Verbs on the job database: stats, jobs, add, rm, clear, db backup.

Text that comes from files or rows (titles from tags, folder and file names) is printed
through safe_text.visible: an escape sequence in a tag never reaches the terminal live.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from aiom4b_tui.cli.book_flags import add_book_flags, book_options
from aiom4b_tui.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_data_dir,
    add_json,
    find_job,
    open_context,
    print_json,
    validation_message,
)
from aiom4b_tui.cli.output_exists import add_if_exists_flag, output_folder_note, settle_existing
from aiom4b_tui.core.book_check import missing_audio
from aiom4b_tui.core.db_postgres import PgDumpMissingError
from aiom4b_tui.core.job_title import job_title
from aiom4b_tui.core.models import ConversionJob, JobCreate, JobStatus
from aiom4b_tui.core.recovery import discard_work
from aiom4b_tui.core.safe_text import visible
from aiom4b_tui.core.worker_control import WORKER_LOG, ensure_worker


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


# The words the TUI shows for each status, and the stored names, both accepted.
STATUS_WORDS: dict[str, JobStatus] = {
    "queued": JobStatus.QUEUED,
    "running": JobStatus.RUNNING,
    "done": JobStatus.COMPLETED,
    "completed": JobStatus.COMPLETED,
    "failed": JobStatus.FAILED,
    "cancelled": JobStatus.CANCELLED,
    "canceled": JobStatus.CANCELLED,
}
STATUS_LISTED = ("queued", "running", "done", "failed", "cancelled")


def parse_status(text: str) -> JobStatus:
    """A status as a person writes it ('done', 'Failed', 'completed')."""
    status = STATUS_WORDS.get(text.strip().lower())
    if status is None:
        raise argparse.ArgumentTypeError(
            f"invalid status {text!r} (valid: {', '.join(STATUS_LISTED)})"
        )
    return status


def _job_line(job: ConversionJob) -> str:
    created = f"{job.created_at:%Y-%m-%d %H:%M}"
    progress = f" {job.progress:4.0%}" if job.status is JobStatus.RUNNING else ""
    output = f"  -> {visible(job.output_file)}" if job.output_file else ""
    failed = job.status is JobStatus.FAILED and job.reason
    reason = f"  ({visible(job.reason or '')})" if failed else ""
    word = "done" if job.status is JobStatus.COMPLETED and not job.problem else job.status_text
    title = visible(job.display_title)
    return f"{str(job.id)[:8]}  {visible(word):<9} {created}{progress}  {title}{output}{reason}"


def job_json(job: ConversionJob) -> dict[str, Any]:
    """A job for --json output (timestamps in the one format of cli.common.iso_time)."""
    return job.model_dump()


def cmd_stats(args: argparse.Namespace) -> int:
    """Jobs per status, database size, oldest and newest job."""
    with open_context(args) as ctx:
        counts = ctx.service.count_by_status()
        unknown = ctx.service.unknown_statuses()
        oldest, newest = ctx.service.time_range()
        size = ctx.db.size_bytes()
        stats: dict[str, Any] = {
            "database": ctx.db.display_name,
            "database_bytes": size,
            "jobs": {s.value: n for s, n in counts.items()},
            "bad_rows": unknown,  # status text this version does not know -> count
            "total": sum(counts.values()) + sum(unknown.values()),
            "oldest": oldest,
            "newest": newest,
        }
    if args.json:
        print_json(stats)
        return EXIT_OK
    print(f"database  {visible(stats['database'])} ({size / 1024:.0f} KiB)")
    for status, count in stats["jobs"].items():
        print(f"{status:<10}{count}")
    for status, count in unknown.items():
        print(f"bad row: status {visible(repr(status))}: {count}")
    print(f"{'total':<10}{stats['total']}")
    print(f"oldest    {oldest:%Y-%m-%d %H:%M:%S}" if oldest else "oldest    -")
    print(f"newest    {newest:%Y-%m-%d %H:%M:%S}" if newest else "newest    -")
    return EXIT_OK


def cmd_jobs(args: argparse.Namespace) -> int:
    """List jobs, newest first."""
    with open_context(args) as ctx:
        rows = ctx.service.get_jobs(status=args.status, limit=args.limit, offset=args.offset)
        jobs = [ctx.service.to_conversion_job(row) for row in rows]
    if args.json:
        print_json([job_json(job) for job in jobs])
    else:
        for job in jobs:
            print(_job_line(job))
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    """Queue one job: one book from the given folders, in the order given."""
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
        if note := output_folder_note(ctx.settings, job_data):
            print(note, file=sys.stderr)
        job = ctx.service.to_conversion_job(ctx.service.create_job(job_data))
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
    pid = ensure_worker(data_dir)
    if pid is not None:
        print(f"worker started (pid {pid}, log: {data_dir / WORKER_LOG})", file=stream)


def cmd_rm(args: argparse.Namespace) -> int:
    """Delete a job that is not running."""
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
    with open_context(args) as ctx:
        try:
            dest = ctx.db.backup(args.to.expanduser() if args.to else ctx.settings.backup_dir)
        except PgDumpMissingError as exc:
            raise CliError(str(exc)) from exc
    print(visible(dest))
    return EXIT_OK


def register(verbs: Any) -> None:
    """Add this module's verbs to the `aiom4b` parser."""
    p = verbs.add_parser("stats", help="jobs per status, database size, oldest and newest job")
    add_data_dir(p)
    add_json(p)
    p.set_defaults(func=cmd_stats)

    p = verbs.add_parser("jobs", help="list jobs, newest first")
    add_data_dir(p)
    add_json(p)
    p.add_argument(
        "--status",
        type=parse_status,
        metavar="STATUS",
        help=f"only jobs in this status: {', '.join(STATUS_LISTED)}",
    )
    p.add_argument("--limit", type=_positive, default=50)
    p.add_argument("--offset", type=_positive, default=0)
    p.set_defaults(func=cmd_jobs)

    p = verbs.add_parser("add", help="queue one book made of the given folders, in order")
    add_data_dir(p)
    add_json(p)
    p.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    add_book_flags(p)
    p.add_argument("--output-dir", type=Path, help="folder for the .m4b")
    p.add_argument("--no-worker", action="store_true", help="only queue it; start no worker")
    add_if_exists_flag(p)
    p.set_defaults(func=cmd_add)

    p = verbs.add_parser("rm", help="delete a job (id or unique prefix)")
    add_data_dir(p)
    p.add_argument("id")
    p.set_defaults(func=cmd_rm)

    p = verbs.add_parser("clear", help="delete finished jobs older than N days")
    add_data_dir(p)
    p.add_argument("--days", type=_positive, help="default: days_kept setting (30)")
    p.set_defaults(func=cmd_clear)

    p = verbs.add_parser("db", help="database maintenance")
    db_verbs = p.add_subparsers(dest="db_verb", metavar="ACTION", required=True)
    b = db_verbs.add_parser("backup", help="online backup to the data dir's backup/")
    add_data_dir(b)
    b.add_argument("--to", type=Path, help="folder for the copy")
    b.set_defaults(func=cmd_db_backup)
