"""The pieces JobService and its parts share in their work on job rows: the errors they
raise, a new row, a row's log lines (capped), the columns an update writes, saving a
changed row and loading one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlmodel import Session

from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import JobCreate, JobDB, JobOptions, JobStatus, JobUpdate, utcnow

LOG_CAP_CHARS = 64_000


class JobNotFoundError(LookupError):
    """No job has that id (or id prefix)."""


class AmbiguousJobIdError(LookupError):
    """More than one job starts with that id prefix."""


def cap_log(log: str, cap: int = LOG_CAP_CHARS) -> str:
    """Keep the newest `cap` characters of a log, cut at a line start."""
    if len(log) <= cap:
        return log
    tail = log[-cap:]
    cut = tail.find("\n")
    return "[… older lines dropped]\n" + (tail[cut + 1 :] if cut >= 0 else tail)


def column_values(update: JobUpdate) -> dict[str, object]:
    """The columns an update writes: only its set fields, options as JSON, log capped."""
    values = update.model_dump(exclude_unset=True)
    if "options" in values:
        options = update.options
        values["options"] = options.model_dump_json(exclude_none=True) if options else None
    if values.get("log") is not None:
        values["log"] = cap_log(values["log"])
    return values


def new_job_row(job_data: JobCreate) -> JobDB:
    """A queued row for `job_data`; the title defaults to the tag title, else the folder."""
    options = job_data.options
    return JobDB(
        status=JobStatus.QUEUED,
        input_folders=json.dumps([str(p) for p in job_data.input_folders]),
        title=job_data.title or options.tags.title or job_data.input_folders[0].name,
        options=options.model_dump_json(exclude_none=True) if options != JobOptions() else None,
    )


class JobStateError(ValueError):
    """The job's status does not allow what was asked (e.g. retrying a running job)."""


def log_line(message: str) -> str:
    """One log line: UTC time stamp, then the message."""
    return f"{utcnow():%Y-%m-%d %H:%M:%S} {message.rstrip()}"


def add_log_lines(job: JobDB, messages: Sequence[str]) -> None:
    """Append timestamped lines to a row's log (capped); blank messages are dropped."""
    lines = [log_line(m) for m in messages if m.strip()]
    if lines:
        job.log = cap_log("\n".join([job.log, *lines] if job.log else lines))


def save_changed(session: Session, job: JobDB, now: datetime | None = None) -> None:
    """Stamp a changed row's `updated_at`, commit it, and reload it from the database."""
    job.updated_at = now or utcnow()
    session.add(job)
    session.commit()
    session.refresh(job)


def load_job(db: Database, job_id: UUID) -> JobDB | None:
    """The job with that id as the database has it now, or None."""
    with db.session() as session:
        return session.get(JobDB, job_id)
