"""The job data: `JobStatus`, the `jobs` table (`JobDB`) and the pydantic models around it.

The table and its seed columns follow `shared/seed/DATABASE.md`; the columns after
`updated_at` are the product's extensions (added by migration 0002).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from pydantic import BaseModel, Field, field_validator
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aiom4b_tui.core.options import JobOptions


def utcnow() -> datetime:
    """The current time, in UTC, timezone-aware (the database keeps UTC)."""
    return datetime.now(UTC)


class JobStatus(str, Enum):
    """Job status enumeration."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """True for the statuses a job ends in."""
        return self in FINISHED_STATUSES


FINISHED_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED})


def _status_column() -> Any:
    # Store the enum's values ('queued'), as the seed's SQL shows, not its member names.
    return sa.Column(
        "status",
        sa.Enum(
            JobStatus,
            values_callable=lambda members: [m.value for m in members],
            native_enum=False,
            create_constraint=False,
            length=20,
            validate_strings=True,
        ),
        nullable=False,
        default=JobStatus.QUEUED,
    )


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
        """The input folders, decoded from their JSON."""
        return [Path(p) for p in json.loads(self.input_folders)]

    def job_options(self) -> JobOptions:
        """The job's options, decoded from their JSON (defaults when none)."""
        return JobOptions.model_validate_json(self.options) if self.options else JobOptions()


class WorkerDB(SQLModel, table=True):
    """A live worker process: who it is, since when, how busy (migration 0003).

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


class QueueStateDB(SQLModel, table=True):
    """Queue-wide switches, one row per key (migration 0003): `paused` -> `finish` or `stop`."""

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
    """A job as the rest of the program sees it: decoded JSON, typed fields."""

    id: UUID
    status: JobStatus
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

    @property
    def display_title(self) -> str:
        """The title, else the first folder's name."""
        if self.title:
            return self.title
        return self.input_folders[0].name if self.input_folders else str(self.id)


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
