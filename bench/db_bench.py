"""Database benchmark, run by hand: `python bench/db_bench.py [--jobs N]`.

Fills a temporary database with N jobs (default 100,000) spread over the statuses and
prints the time of `get_jobs(status=..., limit=50)` at several offsets, of the counts by
status, and of `clear_old_jobs` removing half of them.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobDB, JobStatus, utcnow


def _timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def fill(service: JobService, n: int) -> None:
    """Insert n jobs: half finished 60+ days ago, the rest recent, of every status."""
    now = utcnow()
    statuses = list(JobStatus)
    rows = []
    for i in range(n):
        old = i % 2 == 0
        status = random.choice(list(JobStatus)[2:]) if old else random.choice(statuses)
        when = now - timedelta(days=60 + i % 30) if old else now - timedelta(seconds=i)
        rows.append(
            JobDB(
                id=uuid.uuid4(),
                status=status,
                input_folders=json.dumps([f"/books/book {i}"]),
                title=f"Book {i}",
                created_at=when,
                updated_at=when,
                end_time=when if status.finished else None,
            )
        )
    with service.db.write_session() as session:
        session.add_all(rows)
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    args = parser.parse_args()
    random.seed(1)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "data")
        service = JobService(db)
        start = time.perf_counter()
        fill(service, args.jobs)
        print(f"fill {args.jobs:,} jobs: {time.perf_counter() - start:.2f} s")
        for status in (None, JobStatus.COMPLETED, JobStatus.QUEUED):
            for offset in (0, 1_000, 10_000, args.jobs // 2):
                seconds, rows = _timed(
                    lambda s=status, o=offset: service.get_jobs(status=s, limit=50, offset=o)
                )
                name = status.value if status else "any"
                print(
                    f"get_jobs(status={name:<9}, limit=50, offset={offset:>6}): "
                    f"{seconds * 1000:7.2f} ms ({len(rows)} rows)"  # type: ignore[arg-type]
                )
        seconds, counts = _timed(service.count_by_status)
        by_status = {k.value: v for k, v in counts.items()}  # type: ignore[union-attr]
        print(f"count_by_status: {seconds * 1000:.2f} ms {by_status}")
        start = time.perf_counter()
        removed = service.clear_old_jobs(days_old=30)
        elapsed = time.perf_counter() - start
        print(f"clear_old_jobs(30): {elapsed * 1000:.1f} ms, removed {removed:,}")
        db.close()


if __name__ == "__main__":
    main()
