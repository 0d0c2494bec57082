"""Claiming queued jobs: a worker takes the oldest queued job (or one given job) and marks
it running, atomically, so no two workers ever run one job.

On PostgreSQL the row is taken with FOR UPDATE SKIP LOCKED, so workers on many hosts
never wait on or take the same job; on SQLite the write lock serializes claims. A queued
row whose folders or options cannot be read is failed with the reason when it is claimed,
so one bad row never stops the queue.

A part of JobService (store/jobs.py), which stays the only code that writes the jobs table.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import JobDB, JobStatus, utcnow
from aiom4b_tui.store.records import load_job
from aiom4b_tui.store.running_jobs import RunningJobs

# How many of the oldest queued jobs a claim with `accept` looks at.
CLAIM_PAGE = 20


def _mark_running(session: Session, job_id: UUID, worker: str) -> bool:
    """Mark a queued job running for `worker` inside `session`; False if not queued."""
    now = utcnow()
    claimed = session.exec(  # type: ignore[call-overload]
        sa.update(JobDB)
        .where(col(JobDB.id) == job_id, JobDB.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            start_time=now,
            end_time=None,
            worker=worker,
            heartbeat=now,
            progress=0.0,
            speed=None,
            eta_seconds=None,
            cancel_requested=False,
            updated_at=now,
        )
    )
    return bool(claimed.rowcount == 1)


def _queued_but(exclude: Collection[UUID]) -> list[sa.ColumnElement[bool]]:
    """The conditions of a queued job that is not one of `exclude`."""
    conditions = [col(JobDB.status) == JobStatus.QUEUED]
    if exclude:
        conditions.append(col(JobDB.id).not_in(list(exclude)))
    return conditions


class JobClaims:
    """Takes queued jobs for a worker; a bad row it takes is failed through `running`."""

    def __init__(self, db: Database, running: RunningJobs) -> None:
        self.db = db
        self.running = running

    def claim_next(
        self,
        worker: str,
        *,
        accept: Callable[[JobDB], bool] | None = None,
        exclude: Collection[UUID] = (),
    ) -> JobDB | None:
        """Atomically take the oldest queued job for `worker` and mark it running.

        `accept`: only a job it says yes to (asked before any lock is taken: it may look
        at folders); `exclude`: never these. A row that cannot be read is failed with
        the reason and the next one is taken.
        """
        while True:
            job = self._take_oldest(worker, accept, exclude)
            if job is None or not self._fail_if_unreadable(job, worker):
                return job

    def claim_job(self, job_id: UUID, worker: str) -> JobDB | None:
        """Atomically mark this one queued job running for `worker`; None if not queued
        (or if its row cannot be read: it is then failed with the reason)."""
        with self.db.write_session() as session:
            if not _mark_running(session, job_id, worker):
                return None
            session.commit()
        job = load_job(self.db, job_id)
        if job is None or self._fail_if_unreadable(job, worker):
            return None
        return job

    def any_claimable(self, exclude: Collection[UUID] = ()) -> bool:
        """True when a queued job (not one of `exclude`) waits: the idle poll. One read
        that stops at the first row of ix_jobs_status_created_at, whatever the table's
        size (count_by_status would scan every row)."""
        with self.db.session() as session:
            query = select(JobDB.id).where(*_queued_but(exclude)).limit(1)
            return session.exec(query).first() is not None

    def _take_oldest(
        self, worker: str, accept: Callable[[JobDB], bool] | None, exclude: Collection[UUID]
    ) -> JobDB | None:
        """One claim: the oldest queued job `accept` takes (all, without it), or None."""
        query = select(JobDB.id).where(*_queued_but(exclude))
        if accept is not None:
            ids = [job.id for job in self._queued_page(exclude) if accept(job)]
            if not ids:
                return None
            query = query.where(col(JobDB.id).in_(ids))
        query = query.order_by(col(JobDB.created_at)).limit(1).with_for_update(skip_locked=True)
        with self.db.write_session() as session:
            job_id = session.exec(query).first()
            if job_id is None or not _mark_running(session, job_id, worker):
                return None
            session.commit()
        return load_job(self.db, job_id)

    def _queued_page(self, exclude: Collection[UUID]) -> list[JobDB]:
        """The oldest queued jobs (CLAIM_PAGE of them), for a claim to choose from."""
        query = select(JobDB).where(*_queued_but(exclude))
        query = query.order_by(col(JobDB.created_at)).limit(CLAIM_PAGE)
        with self.db.session() as session:
            return list(session.exec(query))

    def _fail_if_unreadable(self, job: JobDB, worker: str) -> bool:
        """Fail a just-claimed job whose row cannot be read; True if it was failed."""
        problem = job.problem()
        if problem is None:
            return False
        message = f"failed: bad row: {problem}"
        self.running.finish_running(job.id, worker, JobStatus.FAILED, [message])
        return True
