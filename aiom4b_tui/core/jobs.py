"""JobService: the only code that writes the jobs table.

Every method opens and closes its own short transaction, so a service can be shared
by threads, and several processes can use one database file at once.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import col, select

from aiom4b_tui.core.db import Database
from aiom4b_tui.core.models import (
    FINISHED_STATUSES,
    ConversionJob,
    JobCreate,
    JobDB,
    JobOptions,
    JobStatus,
    JobUpdate,
    WatchedFolderDB,
    utcnow,
)

LOG_CAP_CHARS = 64_000


class JobNotFoundError(LookupError):
    """No job has that id (or id prefix)."""


class AmbiguousJobIdError(LookupError):
    """More than one job starts with that id prefix."""


def _cap_log(log: str, cap: int = LOG_CAP_CHARS) -> str:
    """Keep the newest `cap` characters of a log, cut at a line start."""
    if len(log) <= cap:
        return log
    tail = log[-cap:]
    cut = tail.find("\n")
    return "[… older lines dropped]\n" + (tail[cut + 1 :] if cut >= 0 else tail)


def _column_values(update: JobUpdate) -> dict[str, object]:
    values = update.model_dump(exclude_unset=True)
    if "options" in values:
        options = update.options
        values["options"] = options.model_dump_json(exclude_none=True) if options else None
    if values.get("log") is not None:
        values["log"] = _cap_log(values["log"])
    return values


def _new_job_row(job_data: JobCreate) -> JobDB:
    """A queued row for `job_data`; the title defaults to the tag title, else the folder."""
    options = job_data.options
    return JobDB(
        status=JobStatus.QUEUED,
        input_folders=json.dumps([str(p) for p in job_data.input_folders]),
        title=job_data.title or options.tags.title or job_data.input_folders[0].name,
        options=options.model_dump_json(exclude_none=True) if options != JobOptions() else None,
    )


class JobService:
    """Database operations on conversion jobs."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create_job(self, job_data: JobCreate) -> JobDB:
        """Insert a queued job for the folders of `job_data`."""
        job = _new_job_row(job_data)
        with self.db.write_session() as session:
            session.add(job)
            session.commit()
            session.refresh(job)
        return job

    def get_job(self, job_id: UUID) -> JobDB | None:
        """The job with that id, or None."""
        with self.db.session() as session:
            return session.get(JobDB, job_id)

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
        values = _column_values(job_update)
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id)
            if job is None:
                return None
            for name, value in values.items():
                setattr(job, name, value)
            job.updated_at = utcnow()
            session.add(job)
            session.commit()
            session.refresh(job)
        return job

    def append_log(
        self, job_id: UUID, message: str, job_update: JobUpdate | None = None
    ) -> JobDB | None:
        """Add a timestamped line to the job's log (capped), with an optional update."""
        line = f"{utcnow():%Y-%m-%d %H:%M:%S} {message.rstrip()}"
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id)
            if job is None:
                return None
            for name, value in _column_values(job_update or JobUpdate()).items():
                setattr(job, name, value)
            job.log = _cap_log(f"{job.log}\n{line}" if job.log else line)
            job.updated_at = utcnow()
            session.add(job)
            session.commit()
            session.refresh(job)
        return job

    def delete_job(self, job_id: UUID) -> bool:
        """Remove the job; False if there was none."""
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id)
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
        """The job with its JSON fields decoded."""
        data = job_db.model_dump(exclude={"input_folders", "options"})
        return ConversionJob(**data, input_folders=job_db.folders(), options=job_db.job_options())

    def count_by_status(self) -> dict[JobStatus, int]:
        """How many jobs there are of each status (every status present, zeros too)."""
        query = select(JobDB.status, sa.func.count()).group_by(JobDB.status)
        counts = dict.fromkeys(JobStatus, 0)
        with self.db.session() as session:
            for status, count in session.exec(query):
                counts[JobStatus(status)] = int(count)
        return counts

    def time_range(self) -> tuple[datetime | None, datetime | None]:
        """When the oldest and the newest job were created."""
        query = select(sa.func.min(JobDB.created_at), sa.func.max(JobDB.created_at))
        with self.db.session() as session:
            oldest, newest = session.exec(query).one()
        return oldest, newest

    def claim_next(self, worker: str) -> JobDB | None:
        """Atomically take the oldest queued job for `worker` and mark it running."""
        now = utcnow()
        with self.db.write_session() as session:
            job_id = session.exec(
                select(JobDB.id)
                .where(JobDB.status == JobStatus.QUEUED)
                .order_by(col(JobDB.created_at))
                .limit(1)
            ).first()
            if job_id is None:
                return None
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
            session.commit()
            if claimed.rowcount != 1:
                return None
        return self.get_job(job_id)

    def find_job(self, id_or_prefix: str) -> JobDB:
        """The one job whose id is, or starts with, `id_or_prefix` (dashes optional)."""
        prefix = id_or_prefix.strip().lower().replace("-", "")
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            raise JobNotFoundError(f"not a job id: {id_or_prefix!r}")
        query = select(JobDB).where(sa.literal_column("jobs.id").like(f"{prefix}%")).limit(2)
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

    # --- The queue's operations (core/queue.py, core/recovery.py, core/watch.py, verbs) ---

    def claim_job(self, job_id: UUID, worker: str) -> JobDB | None:
        """Atomically mark this one queued job running for `worker`; None if not queued."""
        now = utcnow()
        with self.db.write_session() as session:
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
            session.commit()
            if claimed.rowcount != 1:
                return None
        return self.get_job(job_id)

    def request_cancel(self, job_id: UUID) -> JobDB:
        """Cancel a job: a queued one is cancelled at once, a running one gets
        `cancel_requested` for its runner to honour. Finished jobs: JobStateError."""
        now = utcnow()
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id)
            if job is None:
                raise JobNotFoundError(f"no job with id {job_id}")
            if job.status is JobStatus.QUEUED:
                job.status = JobStatus.CANCELLED
                job.end_time = now
                _add_log_lines(job, ["cancelled while queued"])
            elif job.status is JobStatus.RUNNING:
                if not job.cancel_requested:
                    job.cancel_requested = True
                    _add_log_lines(job, ["cancel requested"])
            else:
                raise JobStateError(f"job {job.id} is {job.status.value}; nothing to cancel")
            job.updated_at = now
            session.add(job)
            session.commit()
            session.refresh(job)
        return job

    def retry(self, job_id: UUID) -> JobDB:
        """Put a failed or cancelled job back to queued, its log kept."""
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id)
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
            ):
                setattr(job, name, None)
            job.progress = 0.0
            job.cancel_requested = False
            _add_log_lines(job, [f"retry: queued again (was {previous})"])
            job.updated_at = utcnow()
            session.add(job)
            session.commit()
            session.refresh(job)
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
            job = session.get(JobDB, job_id)
            if job is None:
                return None
            _add_log_lines(job, messages)
            job.updated_at = utcnow()
            session.add(job)
            session.commit()
            session.refresh(job)
        return job

    def finish_running(
        self,
        job_id: UUID,
        worker: str,
        status: JobStatus,
        messages: Sequence[str],
        *,
        output_file: str | None = None,
    ) -> JobDB | None:
        """Move `worker`'s running job to `status` (completed, failed, cancelled, or
        queued to hand it back) with log lines; None if the job is no longer `worker`'s."""
        now = utcnow()
        with self.db.write_session() as session:
            job = session.get(JobDB, job_id)
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
            _add_log_lines(job, messages)
            job.updated_at = now
            session.add(job)
            session.commit()
            session.refresh(job)
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
        return self.get_job(job.id)

    def create_watched_job(self, path: str, job_data: JobCreate) -> JobDB | None:
        """Queue a job for an inbox folder and remember the folder, in one transaction;
        None (and nothing written) if the folder was taken before."""
        job = _new_job_row(job_data)
        _add_log_lines(job, [f"queued from the watched inbox: {path}"])
        with self.db.write_session() as session:
            if session.get(WatchedFolderDB, path) is not None:
                return None
            session.add(job)
            session.add(WatchedFolderDB(path=path, job_id=job.id))
            session.commit()
            session.refresh(job)
        return job


class JobStateError(ValueError):
    """The job's status does not allow what was asked (e.g. retrying a running job)."""


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


def _log_line(message: str) -> str:
    return f"{utcnow():%Y-%m-%d %H:%M:%S} {message.rstrip()}"


def _add_log_lines(job: JobDB, messages: Sequence[str]) -> None:
    lines = [_log_line(m) for m in messages if m.strip()]
    if lines:
        job.log = _cap_log("\n".join([job.log, *lines] if job.log else lines))
