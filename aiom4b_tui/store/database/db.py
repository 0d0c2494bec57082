"""The job database: SQLite (engine and pragmas, online backup) by default, PostgreSQL
(store/database/postgres.py) when `database_url` names one; migrations on open.

Opening a database that is current costs one read of its `alembic_version` row, compared
with SCHEMA_REVISION: Alembic (store/database/migrate.py) is imported only when they differ, to
upgrade an older schema or to refuse a newer one.

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

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlmodel import Session

from aiom4b_tui.config.data_location import DB_FILE as DB_FILE
from aiom4b_tui.config.settings import ensure_private_dir
from aiom4b_tui.store.database.url import (
    DatabaseUrlError,
    is_postgres,
    redact_text,
    redact_url,
    sqlite_file,
    sqlite_url,
)
from aiom4b_tui.store.light_read import SCHEMA_REVISION as SCHEMA_REVISION
from aiom4b_tui.store.light_read import sqlite_size

BUSY_TIMEOUT_MS = 30_000
BUSY_TIMEOUT_ENV = "AIOM4B_DB_BUSY_TIMEOUT"
_IMMEDIATE = "aiom4b_immediate"
# SCHEMA_REVISION (Alembic's head, known without Alembic) lives in store/light_read.py,
# which reads a current database without SQLAlchemy.

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


def make_engine_for_url(url: str) -> Engine:
    """An engine for a database URL: SQLite with its pragmas, or PostgreSQL."""
    if is_postgres(url):
        from aiom4b_tui.store.database.postgres import make_postgres_engine

        return make_postgres_engine(url)
    return make_engine(Path(url.removeprefix("sqlite:///")))


class Database:
    """One job database: its file (SQLite) or URL (PostgreSQL), engine, and sessions."""

    def __init__(
        self, path: Path | None, *, url: str | None = None, busy_timeout: float | None = None
    ) -> None:
        if path is None and url is None:
            raise ValueError("a database needs a file or a URL")
        self.path = path
        self.url = url or sqlite_url(path)  # type: ignore[arg-type]
        self.busy_timeout = busy_timeout if busy_timeout is not None else default_busy_timeout()
        self.engine = (
            make_engine(path, self.busy_timeout)
            if path is not None
            else make_engine_for_url(self.url)
        )
        self._write_engine = self.engine.execution_options(**{_IMMEDIATE: True})

    @property
    def is_postgres(self) -> bool:
        """True for a shared PostgreSQL queue."""
        return self.path is None

    @property
    def display_name(self) -> str:
        """What to call the database in messages: its file, or its URL without password."""
        return str(self.path) if self.path is not None else redact_url(self.url)

    def session(self) -> Session:
        """A session for reading (its transaction takes no write lock)."""
        return Session(self.engine, expire_on_commit=False)

    def write_session(self) -> Session:
        """A session whose transaction holds the write lock from its first statement."""
        return Session(self._write_engine, expire_on_commit=False)

    def backup(self, dest_dir: Path | None = None) -> Path:
        """An online backup into `dest_dir` (default: `backup/` beside the database);
        on PostgreSQL a pg_dump (`dest_dir` required), PgDumpMissingError without one."""
        if self.path is None:
            from aiom4b_tui.store.database.postgres import pg_dump_backup

            if dest_dir is None:
                raise ValueError("a PostgreSQL backup needs a folder to go to")
            return pg_dump_backup(self.url, dest_dir)
        return backup_file(self.path, dest_dir or self.path.parent / "backup")

    def size_bytes(self) -> int:
        """The database's size on disk: the SQLite file with its WAL, or PostgreSQL's
        pg_database_size."""
        if self.path is None:
            with self.engine.connect() as conn:
                query = text("SELECT pg_database_size(current_database())")
                return int(conn.execute(query).scalar_one())
        return sqlite_size(self.path)

    def has_table(self, name: str) -> bool:
        """True when the database has a table of that name."""
        with self.engine.connect() as conn:
            return inspect(conn).has_table(name)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def schema_is_current(db: Database) -> bool:
    """True when the database is stamped with SCHEMA_REVISION alone (read without Alembic;
    False for an unstamped, older or newer database)."""
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        stamped = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return list(stamped) == [SCHEMA_REVISION]


def _bring_up_to_date(db: Database) -> None:
    """Upgrade the schema unless it is current (store/database/migrate.py refuses a newer one)."""
    if schema_is_current(db):
        return
    from aiom4b_tui.store.database.migrate import upgrade_to_head

    upgrade_to_head(db)


def open_database(
    data_dir: Path,
    *,
    migrate: bool = True,
    busy_timeout: float | None = None,
    url: str | None = None,
) -> Database:
    """Open (creating if needed) `aiom4b.db` in `data_dir` and bring its schema up to date;
    with a PostgreSQL `url`, that database instead (see open_postgres_database); with a
    SQLite `url`, the file it names, opened as the data dir's would be.

    The data dir is created with mode 0700 and the file with 0600. Before a database that
    holds jobs is upgraded, it is backed up to `data_dir/backup/`. Writers wait
    `busy_timeout` seconds (Settings.db_busy_timeout; default 30) for another's lock.
    Errors: see store/database/errors.py for turning them into one sentence.
    """
    ensure_private_dir(data_dir)
    path = _sqlite_file_of(url) if url else data_dir / DB_FILE
    if path is None:
        return open_postgres_database(url, migrate=migrate)  # type: ignore[arg-type]
    try:
        _create_private_file(path)
    except OSError as exc:
        raise DatabaseError(f"cannot create the database {path}: {exc}") from exc
    db = Database(path, busy_timeout=busy_timeout)
    if migrate:
        try:
            _bring_up_to_date(db)
        except Exception:
            db.close()
            raise
    return db


def _sqlite_file_of(url: str) -> Path | None:
    """The file a SQLite database URL names; None for PostgreSQL."""
    try:
        return sqlite_file(url)
    except DatabaseUrlError as exc:
        raise DatabaseError(str(exc)) from exc


def open_postgres_database(url: str, *, migrate: bool = True) -> Database:
    """Open the PostgreSQL database at `url` and bring its schema up to date, one host at
    a time (an advisory lock). Errors name the URL without its password."""
    from sqlalchemy.exc import DBAPIError

    from aiom4b_tui.store.database.postgres import migration_lock

    try:
        db = Database(None, url=url)
    except DatabaseUrlError as exc:
        raise DatabaseError(str(exc)) from exc
    except ImportError as exc:
        raise DatabaseError(
            f"PostgreSQL needs psycopg (pip install 'psycopg[binary]'): {exc}"
        ) from exc
    if not migrate:
        return db
    try:
        if not schema_is_current(db):  # current: no lock, no Alembic
            with migration_lock(db.engine):
                _bring_up_to_date(db)  # another host may have upgraded it meanwhile
    except DBAPIError as exc:
        db.close()
        reason = redact_text(str(exc.orig or exc).strip().splitlines()[0], url)
        raise DatabaseError(f"cannot open the database {redact_url(url)}: {reason}") from None
    except Exception:
        db.close()
        raise
    return db


def open_settings_database(settings: Any, *, migrate: bool = True) -> Database:
    """The database `settings` name: `database_url` if set, else the data dir's file."""
    return open_database(
        settings.data_dir,
        migrate=migrate,
        url=settings.database_url,
        busy_timeout=settings.db_busy_timeout,
    )
