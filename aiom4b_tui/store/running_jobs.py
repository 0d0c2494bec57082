"""The writes and polls of jobs while a worker runs them: their heartbeats and progress,
their log lines, what a runner polls (still its own? a cancel asked for?), how each ends,
and the adoption of a dead worker's job by the one that recovers it.

A part of JobService (store/jobs.py), which stays the only code that writes the jobs
table. A read-modify-write locks its row (FOR UPDATE on PostgreSQL; SQLite's write lock
already covers it).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import col, select

from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import JobDB, JobStatus, utcnow
from aiom4b_tui.store.records import add_log_lines, load_job, save_changed


@dataclass(frozen=True)
class RunningState:
    """What a runner polls about a job it runs: is it still its own, is a cancel asked for."""

    status: JobStatus
    worker: str | None
    cancel_requested: bool


@dataclass(frozen=True)
class ProgressReport:
    """The latest progress of a running job, written with its heartbeat."""

    fraction: float
    speed: float | None = None
    eta_seconds: float | None = None


class RunningJobs:
    """What the queue writes and reads of running jobs, on one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def running_states(self, job_ids: Collection[UUID]) -> dict[UUID, RunningState]:
        """Status, owner and cancel flag of these jobs (a deleted job is absent)."""
        if not job_ids:
            return {}
        query = select(JobDB.id, JobDB.status, JobDB.worker, JobDB.cancel_requested).where(
            col(JobDB.id).in_(list(job_ids))
        )
        with self.db.session() as session:
            return {
                job_id: RunningState(JobStatus(status), worker, bool(cancel))
                for job_id, status, worker, cancel in session.exec(query)
            }

    def heartbeat(
        self,
        job_ids: Collection[UUID],
        worker: str,
        progress: Mapping[UUID, ProgressReport] | None = None,
    ) -> int:
        """Stamp `heartbeat` on `worker`'s running jobs, with their new progress if given
        (which also bumps `updated_at`); returns how many rows were still ours."""
        now = utcnow()
        progress = progress or {}
        touched = 0
        with self.db.write_session() as session:
            for job_id in job_ids:
                values: dict[str, object] = {"heartbeat": now}
                report = progress.get(job_id)
                if report is not None:
                    values.update(
                        progress=min(1.0, max(0.0, report.fraction)),
                        speed=report.speed,
                        eta_seconds=report.eta_seconds,
                        updated_at=now,
                    )
                result = session.exec(  # type: ignore[call-overload]
                    sa.update(JobDB)
                    .where(
                        col(JobDB.id) == job_id,
                        JobDB.status == JobStatus.RUNNING,
                        JobDB.worker == worker,
                    )
                    .values(**values)
                )
                touched += int(result.rowcount or 0)
            session.commit()
        return touched

    def add_log_lines(self, job_id: UUID, messages: Sequence[str]) -> JobDB | None:
        """Append several timestamped lines in one transaction."""
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id, with_for_update=True)
            if job is None:
                return None
            add_log_lines(job, messages)
            save_changed(session, job)
        return job

    def finish_running(
        self,
        job_id: UUID,
        worker: str,
        status: JobStatus,
        messages: Sequence[str],
        *,
        output_file: str | None = None,
        reason: str | None = None,
    ) -> JobDB | None:
        """Move `worker`'s running job to `status` (completed, failed, cancelled, or
        queued to hand it back) with log lines; None if the job is no longer `worker`'s.
        `reason`: a failure's one-line reason, kept in `jobs.reason`."""
        now = utcnow()
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id, with_for_update=True)
            if job is None or job.status is not JobStatus.RUNNING or job.worker != worker:
                return None
            job.status = status
            job.speed = None
            job.eta_seconds = None
            job.cancel_requested = False
            if status is JobStatus.QUEUED:
                job.worker = None
                job.heartbeat = None
                job.progress = 0.0
                job.start_time = None
            else:
                job.end_time = now
            if status is JobStatus.COMPLETED:
                job.progress = 1.0
                job.output_file = output_file
            job.reason = reason if status is JobStatus.FAILED else None
            add_log_lines(job, messages)
            save_changed(session, job, now)
        return job

    def running_jobs(self) -> list[JobDB]:
        """Every job marked running, by any worker."""
        query = select(JobDB).where(JobDB.status == JobStatus.RUNNING)
        with self.db.session() as session:
            return list(session.exec(query))

    def adopt_orphan(self, job: JobDB, worker: str) -> JobDB | None:
        """Take over a running job whose worker is gone, so that exactly one recoverer
        cleans it up: succeeds only if its owner and heartbeat are still those of `job`."""
        now = utcnow()
        heartbeat = col(JobDB.heartbeat)
        with self.db.write_session() as session:
            result = session.exec(  # type: ignore[call-overload]
                sa.update(JobDB)
                .where(
                    col(JobDB.id) == job.id,
                    JobDB.status == JobStatus.RUNNING,
                    col(JobDB.worker) == job.worker if job.worker else col(JobDB.worker).is_(None),
                    heartbeat == job.heartbeat if job.heartbeat else heartbeat.is_(None),
                )
                .values(worker=worker, heartbeat=now)
            )
            session.commit()
            if result.rowcount != 1:
                return None
        return load_job(self.db, job.id)
