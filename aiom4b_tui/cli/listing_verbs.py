"""`aiom4b stats` and `aiom4b jobs`: what the job database holds, answered at once.

When nothing but the data dir is configured and its SQLite database is current, they
read it with `sqlite3` alone (store/light_read.py): no SQLAlchemy, SQLModel or
pydantic-settings is imported, and pydantic only for --json or rows with options.
Anything else (a database URL, another setting, an older schema, a value a hand edit
left) goes the full way, through the settings and the job service, as it always has;
both ways print the same bytes (tests/store/test_light_read.py).

Text that comes from files or rows (titles from tags, folder and file names) is printed
through safe_text.visible: an escape sequence in a tag never reaches the terminal live.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiom4b_tui.cli.args import EXIT_OK
from aiom4b_tui.cli.json_output import print_json
from aiom4b_tui.config.data_location import DEFAULT_BUSY_TIMEOUT, plain_sqlite_file
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.light_read import JobListing, read_job_page, read_status_counts
from aiom4b_tui.store.status import JobStatus

if TYPE_CHECKING:
    from aiom4b_tui.store.models import ConversionJob


def job_line(job: ConversionJob | JobListing) -> str:
    """One job as `aiom4b jobs` lists it."""
    created = f"{job.created_at:%Y-%m-%d %H:%M}"
    progress = f" {job.progress:4.0%}" if job.status is JobStatus.RUNNING else ""
    output = f"  -> {visible(job.output_file)}" if job.output_file else ""
    failed = job.status is JobStatus.FAILED and job.reason
    reason = f"  ({visible(job.reason or '')})" if failed else ""
    word = "done" if job.status is JobStatus.COMPLETED and not job.problem else job.status_text
    title = visible(job.display_title)
    return f"{str(job.id)[:8]}  {visible(word):<9} {created}{progress}  {title}{output}{reason}"


def job_json(job: ConversionJob | JobListing) -> dict[str, Any]:
    """A job for --json output (timestamps in the one format of cli.json_output.iso_time)."""
    return job.model_dump()


def stats_record(
    database: str,
    size: int,
    counts: dict[JobStatus, int],
    unknown: dict[str, int],
    oldest: datetime | None,
    newest: datetime | None,
) -> dict[str, Any]:
    """What `stats` prints (its --json shape)."""
    return {
        "database": database,
        "database_bytes": size,
        "jobs": {s.value: n for s, n in counts.items()},
        "bad_rows": unknown,  # status text this version does not know -> count
        "total": sum(counts.values()) + sum(unknown.values()),
        "oldest": oldest,
        "newest": newest,
    }


def cmd_stats(args: argparse.Namespace) -> int:
    """Jobs per status, database size, oldest and newest job."""
    stats = _light_stats(args)
    if stats is None:
        stats = _full_stats(args)
    if args.json:
        print_json(stats)
        return EXIT_OK
    oldest, newest = stats["oldest"], stats["newest"]
    print(f"database  {visible(stats['database'])} ({stats['database_bytes'] / 1024:.0f} KiB)")
    for status, count in stats["jobs"].items():
        print(f"{status:<10}{count}")
    for status, count in stats["bad_rows"].items():
        print(f"bad row: status {visible(repr(status))}: {count}")
    print(f"{'total':<10}{stats['total']}")
    print(f"oldest    {oldest:%Y-%m-%d %H:%M:%S}" if oldest else "oldest    -")
    print(f"newest    {newest:%Y-%m-%d %H:%M:%S}" if newest else "newest    -")
    return EXIT_OK


def cmd_jobs(args: argparse.Namespace) -> int:
    """List jobs, newest first."""
    status = JobStatus(args.status) if args.status is not None else None
    jobs = _light_jobs(args, status)
    if jobs is None:
        jobs = _full_jobs(args, status)
    if args.json:
        print_json([job_json(job) for job in jobs])
    else:
        for job in jobs:
            print(job_line(job))
    return EXIT_OK


def _plain_file(args: argparse.Namespace) -> Path | None:
    return plain_sqlite_file(getattr(args, "data_dir", None), getattr(args, "database_url", None))


def _light_stats(args: argparse.Namespace) -> dict[str, Any] | None:
    path = _plain_file(args)
    found = read_status_counts(path, DEFAULT_BUSY_TIMEOUT) if path is not None else None
    if found is None:
        return None
    counts, size = found
    return stats_record(
        str(path), size, counts.counts, counts.unknown, counts.oldest, counts.newest
    )


def _full_stats(args: argparse.Namespace) -> dict[str, Any]:
    from aiom4b_tui.cli.verb_context import open_context

    with open_context(args) as ctx:
        counts = ctx.service.count_by_status()
        unknown = ctx.service.unknown_statuses()
        oldest, newest = ctx.service.time_range()
        size = ctx.db.size_bytes()
        return stats_record(ctx.db.display_name, size, counts, unknown, oldest, newest)


def _light_jobs(args: argparse.Namespace, status: JobStatus | None) -> list[JobListing] | None:
    path = _plain_file(args)
    if path is None:
        return None
    return read_job_page(path, status, args.limit, args.offset, DEFAULT_BUSY_TIMEOUT)


def _full_jobs(args: argparse.Namespace, status: JobStatus | None) -> list[ConversionJob]:
    from aiom4b_tui.cli.verb_context import open_context

    with open_context(args) as ctx:
        rows = ctx.service.get_jobs(status=status, limit=args.limit, offset=args.offset)
        return [ctx.service.to_conversion_job(row) for row in rows]
