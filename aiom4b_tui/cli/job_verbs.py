"""Verbs on the job database: stats, jobs, add, rm, clear, db backup."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

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
from aiom4b_tui.core.library import guess_title
from aiom4b_tui.core.models import ConversionJob, JobCreate, JobStatus


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _job_line(job: ConversionJob) -> str:
    created = f"{job.created_at:%Y-%m-%d %H:%M}"
    progress = f" {job.progress:4.0%}" if job.status is JobStatus.RUNNING else ""
    output = f"  -> {job.output_file}" if job.output_file else ""
    return (
        f"{str(job.id)[:8]}  {job.status.value:<9} {created}{progress}  {job.display_title}{output}"
    )


def cmd_stats(args: argparse.Namespace) -> int:
    """Jobs per status, database size, oldest and newest job."""
    with open_context(args) as ctx:
        counts = ctx.service.count_by_status()
        oldest, newest = ctx.service.time_range()
        size = sum(
            p.stat().st_size for p in ctx.db.path.parent.glob(ctx.db.path.name + "*") if p.is_file()
        )
        stats: dict[str, Any] = {
            "database": str(ctx.db.path),
            "database_bytes": size,
            "jobs": {s.value: n for s, n in counts.items()},
            "total": sum(counts.values()),
            "oldest": oldest,
            "newest": newest,
        }
    if args.json:
        print_json(stats)
        return EXIT_OK
    print(f"database  {stats['database']} ({size / 1024:.0f} KiB)")
    for status, count in stats["jobs"].items():
        print(f"{status:<10}{count}")
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
        print_json([job.model_dump(mode="json") for job in jobs])
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
            title=args.name or guess_title(args.folders),
            options=options,
        )
    except ValidationError as exc:
        raise CliError(validation_message(exc), EXIT_USAGE) from exc
    with open_context(args) as ctx:
        job = ctx.service.to_conversion_job(ctx.service.create_job(job_data))
    if args.json:
        print_json(job.model_dump(mode="json"))
    else:
        print(f"queued {job.id}  {job.display_title}")
    return EXIT_OK


def cmd_rm(args: argparse.Namespace) -> int:
    """Delete a job that is not running."""
    with open_context(args) as ctx:
        job = find_job(ctx.service, args.id)
        if job.status is JobStatus.RUNNING:
            raise CliError(f"job {job.id} is running; cancel it first", EXIT_USAGE)
        ctx.service.delete_job(job.id)
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
    """Copy the database with SQLite's online backup."""
    with open_context(args) as ctx:
        dest = ctx.db.backup(args.to.expanduser() if args.to else ctx.settings.backup_dir)
    print(dest)
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
    p.add_argument("--status", type=JobStatus, choices=list(JobStatus), metavar="STATUS")
    p.add_argument("--limit", type=_positive, default=50)
    p.add_argument("--offset", type=_positive, default=0)
    p.set_defaults(func=cmd_jobs)

    p = verbs.add_parser("add", help="queue one book made of the given folders, in order")
    add_data_dir(p)
    add_json(p)
    p.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    add_book_flags(p)
    p.add_argument("--output-dir", type=Path, help="folder for the .m4b")
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
