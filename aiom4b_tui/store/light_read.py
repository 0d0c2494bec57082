"""The job list and its counts read straight from a current SQLite file with `sqlite3`:
what `aiom4b jobs` and `stats` print, without SQLAlchemy, SQLModel or pydantic-settings.

It reads only a database that the full path (store/database/db.py through SQLAlchemy) would open
without changing anything: the file exists with mode 0600 in a private data dir, is in
WAL mode and is stamped with SCHEMA_REVISION alone. Values are decoded as SQLAlchemy
decodes them (datetime.fromisoformat, uuid.UUID, 0/1 flags); a database or a value that
is anything else (a type a hand edit left, an older schema, a lock error) makes these
functions return None, and the caller reads through the full path, which answers as
it always has (its error messages included).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from aiom4b_tui.store.row_fields import (
    BadRowError,
    decode_folders,
    decode_options,
    display_title,
    row_problem,
)
from aiom4b_tui.store.status import JobStatus, read_status, status_text

# The newest revision in migrations/versions (Alembic's head), known without importing
# Alembic; tests/store/database/test_migrate.py holds it equal to Alembic's head.
SCHEMA_REVISION = "0005"

# The columns of the jobs table, in the order of ConversionJob's fields.
_COLUMNS = (
    "id",
    "status",
    "input_folders",
    "output_file",
    "start_time",
    "end_time",
    "log",
    "created_at",
    "updated_at",
    "progress",
    "title",
    "options",
    "worker",
    "speed",
    "eta_seconds",
    "heartbeat",
    "cancel_requested",
    "reason",
)


class _NotPlainError(Exception):
    """The database or a value is not one read here the same as by the full path."""


@dataclass(frozen=True)
class JobListing:
    """A job as `aiom4b jobs` shows it: ConversionJob's fields and its two properties,
    the options kept as their JSON until --json asks for them."""

    id: UUID
    status: JobStatus | None
    input_folders: list[Path]
    output_file: str | None
    start_time: datetime | None
    end_time: datetime | None
    log: str | None
    created_at: datetime
    updated_at: datetime
    progress: float
    title: str | None
    options_json: str | None
    worker: str | None
    speed: float | None
    eta_seconds: float | None
    heartbeat: datetime | None
    cancel_requested: bool
    reason: str | None
    problem: str | None

    @property
    def status_text(self) -> str:
        """As ConversionJob.status_text."""
        return status_text(self.status, self.problem)

    @property
    def display_title(self) -> str:
        """As ConversionJob.display_title."""
        return display_title(self.title, self.input_folders, self.id)

    def model_dump(self) -> dict[str, Any]:
        """The job as ConversionJob.model_dump() gives it (imports pydantic: the options)."""
        try:
            options = decode_options(self.options_json)
        except BadRowError:
            options = decode_options(None)
        data = {name: getattr(self, name) for name in _COLUMNS if name != "options"}
        data["options"] = options.model_dump()
        return {name: data[name] for name in _COLUMNS} | {"problem": self.problem}


@dataclass(frozen=True)
class StatusCounts:
    """Jobs per status (every JobStatus, zeros too), rows of unknown statuses, and when
    the oldest and newest job were created."""

    counts: dict[JobStatus, int]
    unknown: dict[str, int]
    oldest: datetime | None
    newest: datetime | None


def read_job_page(
    path: Path, status: JobStatus | None, limit: int, offset: int, busy_timeout: float
) -> list[JobListing] | None:
    """A page of jobs, newest first, optionally of one status (JobService.get_jobs);
    None when the full path must read them."""
    where = "WHERE jobs.status = ? " if status is not None else ""
    query = (
        f"SELECT {', '.join('jobs.' + c for c in _COLUMNS)} FROM jobs {where}"
        "ORDER BY jobs.created_at DESC LIMIT ? OFFSET ?"
    )
    params = (*([status.value] if status is not None else []), limit, offset)
    try:
        with _current_database(path, busy_timeout) as conn:
            return [_listing(row) for row in conn.execute(query, params)]
    except (_NotPlainError, sqlite3.Error, OSError):
        return None


def read_status_counts(path: Path, busy_timeout: float) -> tuple[StatusCounts, int] | None:
    """Jobs per status and the time range (JobService.count_by_status, unknown_statuses,
    time_range), with the database's size in bytes; None when the full path must."""
    try:
        with _current_database(path, busy_timeout) as conn:
            counts = dict.fromkeys(JobStatus, 0)
            unknown: dict[str, int] = {}
            rows = conn.execute("SELECT jobs.status, count(*) FROM jobs GROUP BY jobs.status")
            for text, count in rows:
                status = read_status(_text(text))
                if isinstance(status, JobStatus):
                    counts[status] = int(count)
                else:
                    unknown[str(status)] = int(count)
            query = "SELECT min(jobs.created_at), max(jobs.created_at) FROM jobs"
            oldest, newest = conn.execute(query).fetchone()
            found = StatusCounts(counts, unknown, _time(oldest), _time(newest))
            return found, sqlite_size(path)  # measured open, as Database.size_bytes is
    except (_NotPlainError, sqlite3.Error, OSError):
        return None


def sqlite_size(path: Path) -> int:
    """The SQLite database's size on disk: its file with its WAL and shared memory."""
    folder, name = path.parent, path.name
    return sum(p.stat().st_size for p in folder.glob(name + "*") if p.is_file())


@contextmanager
def _current_database(path: Path, busy_timeout: float) -> Iterator[sqlite3.Connection]:
    """The database at `path`, open for reading; _NotPlainError unless opening it the
    full way would change nothing (see the module's docstring)."""
    if path.parent.stat().st_mode & 0o077:
        raise _NotPlainError("the data dir would be made private")
    stat = path.stat()  # missing: FileNotFoundError, and the full path creates it
    if not path.is_file() or stat.st_mode & 0o777 != 0o600:
        raise _NotPlainError("the database file would be made private")
    # Not mode=ro: a read-only connection cannot remove the WAL files when it closes, so
    # the data dir would keep an -shm and a -wal that the full path leaves no trace of.
    # mode=rw never creates the file; query_only refuses any write.
    uri = f"{path.as_uri()}?mode=rw"
    with closing(sqlite3.connect(uri, uri=True, timeout=busy_timeout)) as conn:
        conn.isolation_level = None  # each statement its own read transaction
        conn.execute("PRAGMA query_only=1")
        if conn.execute("PRAGMA journal_mode").fetchone() != ("wal",):
            raise _NotPlainError("the database would be switched to WAL")
        table = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        if conn.execute(table).fetchone() is None:
            raise _NotPlainError("no schema revision")
        stamped = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
        if stamped != [SCHEMA_REVISION]:
            raise _NotPlainError("the schema is not current")
        yield conn


def _listing(row: tuple[Any, ...]) -> JobListing:
    values = dict(zip(_COLUMNS, row, strict=True))
    raw_status = read_status(_text(values["status"]))
    input_folders = _text(values["input_folders"])
    options = _text(values["options"], nullable=True)
    try:
        folders = decode_folders(input_folders)
    except BadRowError:
        folders = []
    return JobListing(
        id=_uuid(values["id"]),
        status=raw_status if isinstance(raw_status, JobStatus) else None,
        input_folders=folders,
        output_file=_text(values["output_file"], nullable=True),
        start_time=_time(values["start_time"]),
        end_time=_time(values["end_time"]),
        log=_text(values["log"], nullable=True),
        created_at=_required(_time(values["created_at"])),
        updated_at=_required(_time(values["updated_at"])),
        progress=_required(_number(values["progress"])),
        title=_text(values["title"], nullable=True),
        options_json=options,
        worker=_text(values["worker"], nullable=True),
        speed=_number(values["speed"]),
        eta_seconds=_number(values["eta_seconds"]),
        heartbeat=_time(values["heartbeat"]),
        cancel_requested=_flag(values["cancel_requested"]),
        reason=_text(values["reason"], nullable=True),
        problem=row_problem(raw_status, input_folders, options),
    )


def _text(value: object, *, nullable: bool = False) -> Any:
    if isinstance(value, str) or (nullable and value is None):
        return value
    raise _NotPlainError(f"not text: {value!r}")


def _required(value: Any) -> Any:
    if value is None:
        raise _NotPlainError("a required value is missing")
    return value


def _time(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(_text(value))  # SQLAlchemy's SQLite DATETIME reading
    except ValueError as exc:
        raise _NotPlainError(f"not a time: {value!r}") from exc


def _number(value: object) -> float | None:
    if value is None or type(value) is float:
        return value
    raise _NotPlainError(f"not a real number: {value!r}")


def _flag(value: object) -> bool:
    if type(value) is int and value in (0, 1):
        return bool(value)
    raise _NotPlainError(f"not a 0/1 flag: {value!r}")


def _uuid(value: object) -> UUID:
    try:
        return UUID(_text(value))
    except ValueError as exc:
        raise _NotPlainError(f"not a uuid: {value!r}") from exc
