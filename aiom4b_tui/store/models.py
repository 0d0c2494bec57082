"""The job data: the `jobs` table (`JobDB`) and the pydantic models around it; `JobStatus`
lives in store/status.py and the decoding of a row's fields in store/row_fields.py (both
re-exported here), so the light read path shares them without SQLModel.

The table and its seed columns follow `shared/seed/DATABASE.md`; the columns after
`updated_at` are the product's extensions (added by migration 0002).

Rows are read tolerantly: a row hand-edited or written by another version (a status this
version does not know, options or folders that do not decode) loads, and says what is
wrong with it (`JobDB.problem()`), instead of failing every read of the table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from pydantic import BaseModel, Field, field_validator
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.store.row_fields import BadRowError as BadRowError
from aiom4b_tui.store.row_fields import decode_folders, decode_options, display_title, row_problem
from aiom4b_tui.store.status import FINISHED_STATUSES as FINISHED_STATUSES
from aiom4b_tui.store.status import JobStatus, UnknownStatus, read_status, status_text


def utcnow() -> datetime:
    """The current time, in UTC, timezone-aware (the database keeps UTC)."""
    return datetime.now(UTC)


class _StatusType(sa.types.TypeDecorator[Any]):
    """The status column: the enum's values ('queued') as text, as the seed's SQL shows.

    Writing validates (only JobStatus values, or an UnknownStatus read back unchanged);
    reading never fails: text that is no JobStatus comes back as an UnknownStatus.
    """

    impl = sa.String(20)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None or isinstance(value, UnknownStatus):
            return None if value is None else str(value)
        return JobStatus(value).value

    def process_result_value(self, value: Any, dialect: Any) -> JobStatus | UnknownStatus | None:
        return None if value is None else read_status(value)


def _status_column() -> Any:
    return sa.Column("status", _StatusType(), nullable=False, default=JobStatus.QUEUED)


class JobDB(SQLModel, table=True):
    """Database model for conversion jobs."""

    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("ix_jobs_status_created_at", "status", "created_at"),
        sa.Index("ix_jobs_created_at", "created_at"),
        sa.Index("ix_jobs_updated_at", "updated_at"),
    )

    id: UUID = SQLField(primary_key=True, default_factory=uuid4)
    status: JobStatus = SQLField(default=JobStatus.QUEUED, sa_column=_status_column())
    input_folders: str = SQLField(description="JSON string of input folders")
    output_file: str | None = SQLField(default=None, description="Path to generated .m4b")
    start_time: datetime | None = SQLField(default=None)
    end_time: datetime | None = SQLField(default=None)
    log: str | None = SQLField(default=None, description="Error/info messages")
    created_at: datetime = SQLField(default_factory=utcnow)
    updated_at: datetime = SQLField(default_factory=utcnow)
    # Extensions (migration 0002).
    progress: float = SQLField(default=0.0, description="Fraction done, 0..1")
    title: str | None = SQLField(default=None, description="Display name of the book")
    options: str | None = SQLField(default=None, description="JSON of JobOptions")
    worker: str | None = SQLField(default=None, description="host:pid of the runner")
    speed: float | None = SQLField(default=None, description="Multiple of real time")
    eta_seconds: float | None = SQLField(default=None, description="Seconds left")
    heartbeat: datetime | None = SQLField(default=None, description="Runner's last sign")
    cancel_requested: bool = SQLField(default=False, description="Cancel asked for")
    # Migration 0003.
    reason: str | None = SQLField(default=None, description="One-line reason of a failure")

    def folders(self) -> list[Path]:
        """The input folders, decoded from their JSON; BadRowError when they do not."""
        return decode_folders(self.input_folders)

    def job_options(self) -> JobOptions:
        """The job's options, decoded from their JSON (defaults when none); BadRowError
        when they do not decode."""
        return decode_options(self.options)

    def problem(self) -> str | None:
        """What is wrong with this row ("status 'bogus'", ...), None when it is sound."""
        return row_problem(self.status, self.input_folders, self.options)


class WorkerDB(SQLModel, table=True):
    """A live worker process: who it is, since when, how busy (migration 0003), and the
    inbox it watches, if any (migration 0005).

    Each worker writes its own row at start, renews `heartbeat` while it runs and deletes
    the row when it exits; a row whose heartbeat is old belongs to a worker that died.
    """

    __tablename__ = "workers"

    id: str = SQLField(primary_key=True, max_length=200, description="host:pid")
    host: str = SQLField(max_length=200)
    pid: int
    started_at: datetime = SQLField(default_factory=utcnow)
    heartbeat: datetime = SQLField(default_factory=utcnow)
    books_running: int = 0
    books_at_once: int = 1
    ffmpeg_processes: int = 1
    stop_requested: bool = False
    path_map: str | None = SQLField(default=None, description="JSON of the path map")
    version: str | None = None
    watching: str | None = SQLField(
        default=None, description="the inbox it watches, as the queue names it (0005)"
    )


class QueueStateDB(SQLModel, table=True):
    """Queue-wide switches, one row per key (migration 0003): `paused` -> `finish` or `stop`;
    `inbox` -> the inbox the workers are asked to watch (JSON: its path and settle time)."""

    __tablename__ = "queue_state"

    key: str = SQLField(primary_key=True, max_length=50)
    value: str
    updated_at: datetime = SQLField(default_factory=utcnow)


class WatchedFolderDB(SQLModel, table=True):
    """A folder an inbox watcher has turned into a job, so it is never taken twice."""

    __tablename__ = "watched_folders"

    path: str = SQLField(primary_key=True)
    job_id: UUID | None = SQLField(default=None)
    seen_at: datetime = SQLField(default_factory=utcnow)


def _check_folder(path: Path) -> Path:
    if not path.exists():
        raise ValueError(f"folder does not exist: {path}")
    if not path.is_dir():
        raise ValueError(f"not a folder: {path}")
    return path


class JobCreate(BaseModel):
    """What it takes to queue a job: one book from these folders, read in this order."""

    input_folders: list[Path] = Field(min_length=1)
    title: str | None = None
    options: JobOptions = Field(default_factory=JobOptions)

    @field_validator("input_folders", mode="before")
    @classmethod
    def _folders_given(cls, value: Any) -> Any:
        if not value:
            raise ValueError("no input folders given")
        return value

    @field_validator("input_folders")
    @classmethod
    def _folders_exist(cls, value: list[Path]) -> list[Path]:
        return [_check_folder(p.expanduser()).resolve() for p in value]


class JobUpdate(BaseModel):
    """A change to a job; only the fields that are set are written."""

    status: JobStatus | None = None
    output_file: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    log: str | None = None
    progress: float | None = Field(default=None, ge=0.0, le=1.0)
    title: str | None = None
    options: JobOptions | None = None
    worker: str | None = None
    speed: float | None = None
    eta_seconds: float | None = None
    heartbeat: datetime | None = None
    cancel_requested: bool | None = None
    reason: str | None = None


class ConversionJob(BaseModel):
    """A job as the rest of the program sees it: decoded JSON, typed fields.

    A row that cannot be read fully has `problem` set ("bad row: status 'bogus'"); its
    `status` is then None when the status itself is the problem, and unreadable folders
    or options are left empty/default.
    """

    id: UUID
    status: JobStatus | None
    input_folders: list[Path]
    output_file: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    log: str | None = None
    created_at: datetime
    updated_at: datetime
    progress: float = 0.0
    title: str | None = None
    options: JobOptions = Field(default_factory=JobOptions)
    worker: str | None = None
    speed: float | None = None
    eta_seconds: float | None = None
    heartbeat: datetime | None = None
    cancel_requested: bool = False
    reason: str | None = None
    problem: str | None = None

    @property
    def status_text(self) -> str:
        """The status's value, or "bad row: …" for a row that cannot be read fully."""
        return status_text(self.status, self.problem)

    @property
    def display_title(self) -> str:
        """The title, else the first folder's name."""
        return display_title(self.title, self.input_folders, self.id)


class LookupCacheDB(SQLModel, table=True):
    """A metadata provider's answer, kept so the same lookup asks no one (migration 0004).

    `query` is the request's path and sorted query string; `value` its JSON answer
    (`null`: not found).
    """

    __tablename__ = "lookup_cache"

    provider: str = SQLField(primary_key=True, max_length=50)
    query: str = SQLField(primary_key=True)
    value: str
    fetched_at: datetime = SQLField(default_factory=utcnow)
