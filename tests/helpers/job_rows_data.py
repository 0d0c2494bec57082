"""Jobs written straight into the database, in bulk, with fixed ids and times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobDB, JobStatus

BASE_TIME = datetime(2026, 5, 1, 20, 0, 0, tzinfo=UTC)


def insert_jobs(service: JobService, count: int, status: JobStatus = JobStatus.QUEUED) -> None:
    """`count` jobs, one a minute, titled `Book 00001`..., oldest first."""
    rows = [
        JobDB(
            id=UUID(int=n + 1),
            status=status,
            input_folders=json.dumps([f"/books/Book {n:05d}"]),
            title=f"Book {n:05d}",
            created_at=BASE_TIME + timedelta(minutes=n),
            updated_at=BASE_TIME + timedelta(minutes=n),
        )
        for n in range(count)
    ]
    with service.db.write_session() as session:
        session.add_all(rows)
        session.commit()


def insert_job(service: JobService, **fields) -> JobDB:
    """One job with the given fields (id, times and all)."""
    fields.setdefault("input_folders", json.dumps(["/books/Book"]))
    job = JobDB(**fields)
    with service.db.write_session() as session:
        session.add(job)
        session.commit()
        session.refresh(job)
    return job
