"""JobService's queue operations: claiming, cancel and retry, heartbeats, recovery, inbox.

Used by queue/runner/runner.py, queue/recovery.py, queue/inbox.py and the verbs; mixed into
JobService, which stays the only code that writes the jobs table. A read-modify-write
locks its row (FOR UPDATE on PostgreSQL; SQLite's write lock already covers it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import JobCreate, JobDB, JobStatus, WatchedFolderDB, utcnow
from aiom4b_tui.store.records import (
    JobNotFoundError,
    JobStateError,
    ProgressReport,
    RunningState,
    new_job_row,
    save_changed,
)
from aiom4b_tui.store.records import add_log_lines as append_lines

# How many of the oldest queued jobs a claim with `accept` looks at.
CLAIM_PAGE = 20


def _claim(session: Session, job_id: UUID, worker: str) -> bool:
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


class QueueOperations:
    """The queue's writes and polls on the jobs table (a part of JobService)."""

    db: Database

    def _reload(self, job_id: UUID) -> JobDB | None:
        with self.db.session() as session:
            return session.get(JobDB, job_id)

    def claim_next(
        self,
        worker: str,
        *,
        accept: Callable[[JobDB], bool] | None = None,
        exclude: Collection[UUID] = (),
    ) -> JobDB | None:
        """Atomically take the oldest queued job for `worker` and mark it running.

        `accept`: only a job it says yes to (asked before any lock is taken: it may look
        at folders); `exclude`: never these. On PostgreSQL the row is taken with
        FOR UPDATE SKIP LOCKED, so workers on many hosts never wait on or take the same
        job, and the claim commits at once (SQLite: its write lock serializes claims).
        """
        query = select(JobDB.id).where(JobDB.status == JobStatus.QUEUED)
        if exclude:
            query = query.where(col(JobDB.id).not_in(list(exclude)))
        if accept is not None:
            ids = [job.id for job in self._queued_page(exclude) if accept(job)]
            if not ids:
                return None
            query = query.where(col(JobDB.id).in_(ids))
        query = query.order_by(col(JobDB.created_at)).limit(1).with_for_update(skip_locked=True)
        with self.db.write_session() as session:
            job_id = session.exec(query).first()
            if job_id is None or not _claim(session, job_id, worker):
                return None
            session.commit()
        return self._reload(job_id)

    def any_claimable(self, exclude: Collection[UUID] = ()) -> bool:
        """True when a queued job (not one of `exclude`) waits: the idle poll. One read
        that stops at the first row of ix_jobs_status_created_at, whatever the table's
        size (count_by_status would scan every row)."""
        query = select(JobDB.id).where(JobDB.status == JobStatus.QUEUED)
        if exclude:
            query = query.where(col(JobDB.id).not_in(list(exclude)))
        with self.db.session() as session:
            return session.exec(query.limit(1)).first() is not None

    def _queued_page(self, exclude: Collection[UUID]) -> list[JobDB]:
        """The oldest queued jobs (CLAIM_PAGE of them), for a claim to choose from."""
        query = select(JobDB).where(JobDB.status == JobStatus.QUEUED)
        if exclude:
            query = query.where(col(JobDB.id).not_in(list(exclude)))
        query = query.order_by(col(JobDB.created_at)).limit(CLAIM_PAGE)
        with self.db.session() as session:
            return list(session.exec(query))

    def claim_job(self, job_id: UUID, worker: str) -> JobDB | None:
        """Atomically mark this one queued job running for `worker`; None if not queued."""
        with self.db.write_session() as session:
            if not _claim(session, job_id, worker):
                return None
            session.commit()
        return self._reload(job_id)

    def remember_watched_folder(self, path: str, job_id: UUID | None) -> bool:
        """Record that an inbox folder became a job; False if it was recorded before."""
        with self.db.write_session() as session:
            if session.get(WatchedFolderDB, path) is not None:
                return False
            session.add(WatchedFolderDB(path=path, job_id=job_id))
            session.commit()
        return True

    def watched_folder_known(self, path: str) -> bool:
        """True when an inbox watcher took this folder before."""
        with self.db.session() as session:
            return session.get(WatchedFolderDB, path) is not None

    def request_cancel(self, job_id: UUID) -> JobDB:
        """Cancel a job: a queued one is cancelled at once, a running one gets
        `cancel_requested` for its runner to honour. Finished jobs: JobStateError."""
        now = utcnow()
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id, with_for_update=True)
            if job is None:
                raise JobNotFoundError(f"no job with id {job_id}")
            if job.status is JobStatus.QUEUED:
                job.status = JobStatus.CANCELLED
                job.end_time = now
                append_lines(job, ["cancelled while queued"])
            elif job.status is JobStatus.RUNNING:
                if not job.cancel_requested:
                    job.cancel_requested = True
                    append_lines(job, ["cancel requested"])
            else:
                raise JobStateError(f"job {job.id} is {job.status.value}; nothing to cancel")
            save_changed(session, job, now)
        return job

    def retry(self, job_id: UUID) -> JobDB:
        """Put a failed or cancelled job back to queued, its log kept."""
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id, with_for_update=True)
            if job is None:
                raise JobNotFoundError(f"no job with id {job_id}")
            if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
                raise JobStateError(
                    f"job {job.id} is {job.status.value}; only failed or "
                    "cancelled jobs can be retried"
                )
            previous = job.status.value
            job.status = JobStatus.QUEUED
            # A retried job starts afresh: nothing of the last attempt may look current.
            for name in (
                "start_time",
                "end_time",
                "output_file",
                "worker",
                "speed",
                "eta_seconds",
                "heartbeat",
                "reason",
            ):
                setattr(job, name, None)
            job.progress = 0.0
            job.cancel_requested = False
            append_lines(job, [f"retry: queued again (was {previous})"])
            save_changed(session, job)
        return job

    def existing_ids(self, job_ids: Collection[UUID]) -> set[UUID]:
        """Which of these jobs still exist (for UIs noticing deletions by others)."""
        found: set[UUID] = set()
        ids = list(job_ids)
        for start in range(0, len(ids), 500):  # below SQLite's limit on bound parameters
            query = select(JobDB.id).where(col(JobDB.id).in_(ids[start : start + 500]))
            with self.db.session() as session:
                found.update(session.exec(query))
        return found

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
            append_lines(job, messages)
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
            append_lines(job, messages)
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
        return self._reload(job.id)

    def create_watched_job(self, path: str, job_data: JobCreate) -> JobDB | None:
        """Queue a job for an inbox folder and remember the folder, in one transaction;
        None (and nothing written) if the folder was taken before."""
        job = new_job_row(job_data)
        append_lines(job, [f"queued from the watched inbox: {path}"])
        with self.db.write_session() as session:
            if session.get(WatchedFolderDB, path) is not None:
                return None
            session.add(job)
            session.add(WatchedFolderDB(path=path, job_id=job.id))
            session.commit()
            session.refresh(job)
        return job
