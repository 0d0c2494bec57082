"""The schema check on open: SCHEMA_REVISION is Alembic's head, a current database opens
without Alembic, and anything else still goes through the migrations (upgrade or refusal)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aiom4b_tui.store.database.db import (
    DB_FILE,
    SCHEMA_REVISION,
    Database,
    DatabaseTooNewError,
    open_database,
    schema_is_current,
)
from aiom4b_tui.store.database.migrate import current_revision, head_revision
from tests.helpers import ROOT


def _stamp(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def test_the_known_head_is_alembics_head() -> None:
    assert head_revision() == SCHEMA_REVISION


def test_a_fresh_database_is_current_and_an_empty_file_is_not(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / DB_FILE).touch()
    empty = Database(data_dir / DB_FILE)
    try:
        assert not schema_is_current(empty)
    finally:
        empty.close()
    db = open_database(data_dir)
    try:
        assert schema_is_current(db)
    finally:
        db.close()


def test_a_current_database_opens_without_importing_alembic(data_dir: Path) -> None:
    open_database(data_dir).close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from aiom4b_tui.store.database.db import open_database\n"
        f"open_database(Path({str(data_dir)!r})).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"


def test_an_older_stamp_is_still_upgraded(data_dir: Path) -> None:
    open_database(data_dir).close()
    db = Database(data_dir / DB_FILE)
    try:
        previous = "0004"
        assert previous != SCHEMA_REVISION
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE workers DROP COLUMN watching")
        _stamp(data_dir / DB_FILE, previous)
        assert not schema_is_current(db)
    finally:
        db.close()
    db = open_database(data_dir)
    try:
        assert current_revision(db) == SCHEMA_REVISION
        with db.engine.connect() as conn:  # the migration ran again
            columns = [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(workers)")]
        assert "watching" in columns
    finally:
        db.close()


def test_a_newer_stamp_is_still_refused(data_dir: Path) -> None:
    open_database(data_dir).close()
    _stamp(data_dir / DB_FILE, "9999")
    with pytest.raises(DatabaseTooNewError):
        open_database(data_dir)
    with sqlite3.connect(data_dir / DB_FILE) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("9999",)]
