"""PostgreSQL as the shared queue: the engine, the migration lock, pg_dump backups.

Every connection runs in UTC, so the naive timestamps of the models (UTC by convention,
as SQLite stores them) round-trip whether they were written naive or aware. The pool
checks a connection before lending it (a server restart leaves dead ones behind), and a
connection attempt gives up after CONNECT_TIMEOUT seconds, so a worker whose server is
gone waits in its retry loops instead of hanging.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text

from aiom4b_tui.store.database.url import parse_url, redact_text

CONNECT_TIMEOUT = 10
# Any constant shared by every aiom4b: the key of the advisory lock migrations hold.
MIGRATION_LOCK_KEY = 0x61696F6D34620001


class PgDumpMissingError(RuntimeError):
    """pg_dump is not on PATH: the message says how to back up instead."""


def _utc_session(dbapi_connection: Any, _record: Any) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.commit()


def make_postgres_engine(url: str) -> Engine:
    """An engine for the PostgreSQL database at `url` (sessions in UTC, pre-pinged)."""
    engine = create_engine(
        parse_url(url),
        pool_pre_ping=True,
        pool_size=4,
        max_overflow=8,
        connect_args={"connect_timeout": CONNECT_TIMEOUT},
    )
    event.listen(engine, "connect", _utc_session)
    return engine


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the aiom4b migration lock: hosts starting at once migrate one after another."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            conn.commit()


def _libpq_url(url: str) -> str:
    """The URL as libpq (pg_dump) spells it: no `+psycopg` driver."""
    return parse_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_dump_backup(url: str, dest_dir: Path) -> Path:
    """Dump the database at `url` into `dest_dir` (custom format) with pg_dump.

    The password goes to pg_dump in its environment, never on its command line.
    PgDumpMissingError when pg_dump is not installed.
    """
    from aiom4b_tui.config.settings import ensure_private_dir

    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise PgDumpMissingError(
            "pg_dump is not on PATH: back up the shared queue with "
            "`pg_dump --format=custom` on a host that has it"
        )
    parsed = parse_url(url)
    ensure_private_dir(dest_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dest = dest_dir / f"aiom4b-{stamp}.pgdump"
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    dsn = _libpq_url(url if not parsed.password else parsed.set(password=None).render_as_string())
    result = subprocess.run(
        [pg_dump, "--format=custom", "--file", str(dest), "--dbname", dsn],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        dest.unlink(missing_ok=True)
        raise RuntimeError(f"pg_dump failed: {redact_text(result.stderr.strip(), url)}")
    dest.chmod(0o600)
    return dest
