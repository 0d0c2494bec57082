"""The SQLite database: engine and pragmas, migrations on open, online backup.

Writers take SQLite's write lock at the start of their transaction (BEGIN IMMEDIATE), so a
second process waits for it (busy timeout) instead of failing half-way with "database is
locked" when a read transaction tries to become a write one.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlmodel import Session

from aiom4b_tui.core.settings import ensure_private_dir

DB_FILE = "aiom4b.db"
BUSY_TIMEOUT_MS = 30_000
BUSY_TIMEOUT_ENV = "AIOM4B_DB_BUSY_TIMEOUT"
_IMMEDIATE = "aiom4b_immediate"

# The seed's pragmas (DATABASE.md); the busy timeout follows them on every connection.
PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=1000",
    "PRAGMA temp_store=MEMORY",
)


class DatabaseError(RuntimeError):
    """The database cannot be opened or used; the message says why."""


class DatabaseTooNewError(DatabaseError):
    """The database was written by a newer aiom4b; it is left untouched."""


def default_busy_timeout() -> float:
    """Seconds a writer waits for another's lock: $AIOM4B_DB_BUSY_TIMEOUT, else 30."""
    try:
        value = float(os.environ.get(BUSY_TIMEOUT_ENV, "") or BUSY_TIMEOUT_MS / 1000)
    except ValueError:
        return BUSY_TIMEOUT_MS / 1000
    return value if value > 0 else BUSY_TIMEOUT_MS / 1000


def _on_connect(busy_ms: int, dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's "begin" event (below) instead of pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # The busy timeout first: switching to WAL may itself wait for a lock.
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _on_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get(_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(path: Path, busy_timeout: float | None = None) -> Engine:
    """An engine for the SQLite file at `path`, with the pragmas on every connection;
    writers wait `busy_timeout` seconds for a lock (default: `default_busy_timeout()`)."""
    seconds = busy_timeout if busy_timeout is not None else default_busy_timeout()
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": seconds},
    )
    event.listen(engine, "connect", functools.partial(_on_connect, round(seconds * 1000)))
    event.listen(engine, "begin", _on_begin)
    return engine


def _create_private_file(path: Path) -> None:
    if not path.exists():
        path.touch(mode=0o600)
    if path.stat().st_mode & 0o777 != 0o600:
        path.chmod(0o600)


def backup_file(source: Path, dest_dir: Path) -> Path:
    """Copy the database at `source` with SQLite's online backup; returns the copy's path."""
    ensure_private_dir(dest_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dest = dest_dir / f"aiom4b-{stamp}.db"
    _create_private_file(dest)
    src = sqlite3.connect(source, timeout=default_busy_timeout())
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return dest


class Database:
    """One SQLite job database: its file, its engine, and sessions on it."""

    def __init__(self, path: Path, *, busy_timeout: float | None = None) -> None:
        self.path = path
        self.busy_timeout = busy_timeout if busy_timeout is not None else default_busy_timeout()
        self.engine = make_engine(path, self.busy_timeout)
        self._write_engine = self.engine.execution_options(**{_IMMEDIATE: True})

    def session(self) -> Session:
        """A session for reading (its transaction takes no write lock)."""
        return Session(self.engine, expire_on_commit=False)

    def write_session(self) -> Session:
        """A session whose transaction holds the write lock from its first statement."""
        return Session(self._write_engine, expire_on_commit=False)

    def backup(self, dest_dir: Path | None = None) -> Path:
        """An online backup into `dest_dir` (default: `backup/` beside the database)."""
        return backup_file(self.path, dest_dir or self.path.parent / "backup")

    def has_table(self, name: str) -> bool:
        """True when the database has a table of that name."""
        with self.engine.connect() as conn:
            return inspect(conn).has_table(name)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(
    data_dir: Path, *, migrate: bool = True, busy_timeout: float | None = None
) -> Database:
    """Open (creating if needed) `aiom4b.db` in `data_dir` and bring its schema up to date.

    The data dir is created with mode 0700 and the file with 0600. Before a database that
    holds jobs is upgraded, it is backed up to `data_dir/backup/`. Writers wait
    `busy_timeout` seconds (Settings.db_busy_timeout; default 30) for another's lock.
    Errors: see core/db_errors.py for turning them into one sentence.
    """
    from aiom4b_tui.core.migrate import upgrade_to_head

    ensure_private_dir(data_dir)
    path = data_dir / DB_FILE
    try:
        _create_private_file(path)
    except OSError as exc:
        raise DatabaseError(f"cannot create the database {path}: {exc}") from exc
    db = Database(path, busy_timeout=busy_timeout)
    if migrate:
        try:
            upgrade_to_head(db)
        except Exception:
            db.close()
            raise
    return db
