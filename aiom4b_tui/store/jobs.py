"""JobService: the only code that writes the jobs table.

Its methods are the seed's (DATABASE.md: create, get, list, update, delete, clear,
convert), the reads the clients list and count with, a client's cancel and retry, and
the queue's, which live in its parts and are reached through it under the same names:
claims (store/claims.py), running jobs (store/running_jobs.py) and the inbox's watched
folders (store/watched_folders.py).

Every method opens and closes its own short transaction, so a service can be shared
by threads, and several processes can use one database file at once. A bad row (a status
this version does not know, options or folders that do not decode) never stops the
reads: it is listed with its problem, left alone by claims if its status is unknown,
and failed with the reason when it is claimed as queued.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import col, select

from aiom4b_tui.store.claims import JobClaims
from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import (
    FINISHED_STATUSES,
    BadRowError,
    ConversionJob,
    JobCreate,
    JobDB,
    JobOptions,
    JobStatus,
    JobUpdate,
    utcnow,
)
from aiom4b_tui.store.records import (
    LOG_CAP_CHARS,
    AmbiguousJobIdError,
    JobNotFoundError,
    JobStateError,
    add_log_lines,
    column_values,
    load_job,
    new_job_row,
    save_changed,
)
from aiom4b_tui.store.running_jobs import ProgressReport, RunningJobs, RunningState
from aiom4b_tui.store.watched_folders import WatchedFolders

__all__ = [
    "LOG_CAP_CHARS",
    "AmbiguousJobIdError",
    "JobNotFoundError",
    "JobService",
    "JobStateError",
    "ProgressReport",
    "RunningState",
]

# The columns an attempt at a job fills in, emptied when the job is retried.
_LEFT_BY_AN_ATTEMPT = (
    "start_time",
    "end_time",
    "output_file",
    "worker",
    "speed",
    "eta_seconds",
    "heartbeat",
    "reason",
)


class JobService:
    """Database operations on conversion jobs (the seed's, plus the queue's)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.running = RunningJobs(db)
        self.claims = JobClaims(db, self.running)
        self.watched_folders = WatchedFolders(db)
        # The parts' operations under the names the runner, the verbs and the TUI call on
        # the service: each is declared once, in its part.
        self.claim_next = self.claims.claim_next
        self.claim_job = self.claims.claim_job
        self.any_claimable = self.claims.any_claimable
        self.running_states = self.running.running_states
        self.heartbeat = self.running.heartbeat
        self.add_log_lines = self.running.add_log_lines
        self.finish_running = self.running.finish_running
        self.running_jobs = self.running.running_jobs
        self.adopt_orphan = self.running.adopt_orphan
        self.remember_watched_folder = self.watched_folders.remember
        self.watched_folder_known = self.watched_folders.known
        self.create_watched_job = self.watched_folders.create_job

    def create_job(self, job_data: JobCreate) -> JobDB:
        """Insert a queued job for the folders of `job_data`."""
        job = new_job_row(job_data)
        with self.db.write_session() as session:
            session.add(job)
            session.commit()
            session.refresh(job)
        return job

    def get_job(self, job_id: UUID) -> JobDB | None:
        """The job with that id, or None."""
        return load_job(self.db, job_id)

    def get_jobs(
        self, status: JobStatus | None = None, limit: int = 50, offset: int = 0
    ) -> list[JobDB]:
        """A page of jobs, newest first, optionally of one status."""
        query = select(JobDB)
        if status is not None:
            query = query.where(JobDB.status == status)
        query = query.order_by(col(JobDB.created_at).desc()).limit(limit).offset(offset)
        with self.db.session() as session:
            return list(session.exec(query))

    def update_job(self, job_id: UUID, job_update: JobUpdate) -> JobDB | None:
        """Write the fields set in `job_update` (and a new `updated_at`); None if no job."""
        values = column_values(job_update)
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id, with_for_update=True)
            if job is None:
                return None
            for name, value in values.items():
                setattr(job, name, value)
            save_changed(session, job)
        return job

    def append_log(
        self, job_id: UUID, message: str, job_update: JobUpdate | None = None
    ) -> JobDB | None:
        """Add a timestamped line to the job's log (capped), with an optional update."""
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id, with_for_update=True)
            if job is None:
                return None
            for name, value in column_values(job_update or JobUpdate()).items():
                setattr(job, name, value)
            add_log_lines(job, [message])
            save_changed(session, job)
        return job

    def delete_job(self, job_id: UUID) -> bool:
        """Remove the job; False if there was none."""
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id, with_for_update=True)
            if job is None:
                return False
            session.delete(job)
            session.commit()
        return True

    def clear_old_jobs(self, days_old: int = 30) -> int:
        """Remove finished jobs (completed, failed, cancelled) that ended over
        `days_old` days ago; queued and running jobs are never removed."""
        cutoff = utcnow() - timedelta(days=days_old)
        ended = sa.func.coalesce(JobDB.end_time, JobDB.updated_at)
        statement = sa.delete(JobDB).where(
            col(JobDB.status).in_(list(FINISHED_STATUSES)), ended < cutoff
        )
        with self.db.write_session() as session:
            result = session.exec(statement)  # type: ignore[call-overload]
            session.commit()
            return int(result.rowcount or 0)

    def to_conversion_job(self, job_db: JobDB) -> ConversionJob:
        """The job with its JSON fields decoded; a bad row comes back with `problem` set
        (and what cannot be read left empty) rather than raising."""
        data = job_db.model_dump(exclude={"input_folders", "options", "status"})
        try:
            folders = job_db.folders()
        except BadRowError:
            folders = []
        try:
            options = job_db.job_options()
        except BadRowError:
            options = JobOptions()
        status = job_db.status if isinstance(job_db.status, JobStatus) else None
        return ConversionJob(
            **data,
            status=status,
            input_folders=folders,
            options=options,
            problem=job_db.problem(),
        )

    def count_by_status(self) -> dict[JobStatus, int]:
        """How many jobs there are of each status (every status present, zeros too);
        rows of unknown statuses are left out (see `unknown_statuses`)."""
        counts = dict.fromkeys(JobStatus, 0)
        for status, count in self._status_counts():
            if isinstance(status, JobStatus):
                counts[status] = count
        return counts

    def unknown_statuses(self) -> dict[str, int]:
        """Rows whose status this version does not know: {status text: how many}."""
        return {
            str(status): count
            for status, count in self._status_counts()
            if not isinstance(status, JobStatus)
        }

    def _status_counts(self) -> list[tuple[object, int]]:
        query = select(JobDB.status, sa.func.count()).group_by(JobDB.status)
        with self.db.session() as session:
            return [(status, int(count)) for status, count in session.exec(query)]

    def time_range(self) -> tuple[datetime | None, datetime | None]:
        """When the oldest and the newest job were created."""
        query = select(sa.func.min(JobDB.created_at), sa.func.max(JobDB.created_at))
        with self.db.session() as session:
            oldest, newest = session.exec(query).one()
        return oldest, newest

    def find_job(self, id_or_prefix: str) -> JobDB:
        """The one job whose id is, or starts with, `id_or_prefix` (dashes optional)."""
        prefix = id_or_prefix.strip().lower().replace("-", "")
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            raise JobNotFoundError(f"not a job id: {id_or_prefix!r}")
        # As text without dashes on both back ends (PostgreSQL's uuid text has them).
        id_hex = sa.func.replace(sa.cast(sa.literal_column("jobs.id"), sa.Text), "-", "")
        query = select(JobDB).where(id_hex.like(f"{prefix}%")).limit(2)
        with self.db.session() as session:
            found = list(session.exec(query))
        if not found:
            raise JobNotFoundError(f"no job with id {id_or_prefix}")
        if len(found) > 1:
            raise AmbiguousJobIdError(f"more than one job starts with {id_or_prefix}")
        return found[0]

    def changed_since(self, since: datetime) -> list[JobDB]:
        """Jobs updated after `since`, oldest change first."""
        query = select(JobDB).where(JobDB.updated_at > since).order_by(col(JobDB.updated_at))
        with self.db.session() as session:
            return list(session.exec(query))

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
                add_log_lines(job, ["cancelled while queued"])
            elif job.status is JobStatus.RUNNING:
                if not job.cancel_requested:
                    job.cancel_requested = True
                    add_log_lines(job, ["cancel requested"])
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
            for name in _LEFT_BY_AN_ATTEMPT:
                setattr(job, name, None)
            job.progress = 0.0
            job.cancel_requested = False
            add_log_lines(job, [f"retry: queued again (was {previous})"])
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
