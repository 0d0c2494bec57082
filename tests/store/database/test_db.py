"""The database file: pragmas, permissions, migrations, backups, and two writers at once."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from aiom4b_tui.store.database.db import (
    DB_FILE,
    Database,
    DatabaseError,
    DatabaseTooNewError,
    open_database,
)
from aiom4b_tui.store.database.migrate import alembic_config, current_revision, head_revision
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobStatus
from tests.helpers import ROOT

SEED_SQL = """
CREATE TABLE jobs (
    id UUID PRIMARY KEY,
    status VARCHAR(20) NOT NULL DEFAULT 'queued',
    input_folders TEXT NOT NULL,
    output_file TEXT,
    start_time TIMESTAMP,
    end_time TIMESTAMP,
    log TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
"""


def _upgrade_raw(path: Path, revision: str) -> None:
    """Migrate a database to `revision` only, as an older aiom4b would have left it."""
    db = Database(path)
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    db.close()


def _insert_seed_row(path: Path, job_hex: str, status: str = "completed") -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO jobs (id, status, input_folders, log) VALUES (?, ?, ?, ?)",
        (job_hex, status, '["/books/Dune"]', "done"),
    )
    conn.commit()
    conn.close()


def test_pragmas_on_every_connection(data_dir: Path):
    db = open_database(data_dir)
    with db.engine.connect() as conn:
        values = {
            name: conn.execute(text(f"PRAGMA {name}")).scalar_one()
            for name in ("journal_mode", "foreign_keys", "synchronous", "cache_size", "temp_store")
        }
        busy = conn.execute(text("PRAGMA busy_timeout")).scalar_one()
    db.close()
    assert values == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 1,  # NORMAL
        "cache_size": 1000,
        "temp_store": 2,  # MEMORY
    }
    assert busy >= 5000
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    assert sqlite3.connect(data_dir / DB_FILE).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_data_dir_is_0700_and_database_file_0600(data_dir: Path):
    open_database(data_dir).close()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / DB_FILE).stat().st_mode) == 0o600


def test_a_sqlite_url_opens_the_file_it_names_as_sqlite(data_dir: Path, tmp_path: Path):
    path = tmp_path / "elsewhere.db"
    db = open_database(data_dir, url=f"sqlite:///{path}")  # new: made and migrated
    try:
        assert not db.is_postgres
        assert db.path == path and db.display_name == str(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert JobService(db).count_by_status()[JobStatus.QUEUED] == 0
        assert db.size_bytes() >= path.stat().st_size > 0
    finally:
        db.close()
    assert not (data_dir / DB_FILE).exists()
    with pytest.raises(DatabaseError, match="names no database file"):
        open_database(data_dir, url="sqlite://")


def test_migrates_an_empty_file_to_head_without_a_backup(data_dir: Path):
    data_dir.mkdir(mode=0o700)
    (data_dir / DB_FILE).touch()
    db = open_database(data_dir)
    assert current_revision(db) == head_revision()
    assert db.has_table("jobs") and db.has_table("watched_folders")
    db.close()
    assert not (data_dir / "backup").exists()


def test_migrates_from_the_first_revision_keeping_jobs_and_backing_up(data_dir: Path):
    data_dir.mkdir(mode=0o700)
    path = data_dir / DB_FILE
    _upgrade_raw(path, "0001")
    job_hex = "0123456789abcdef0123456789abcdef"
    _insert_seed_row(path, job_hex)
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    db = open_database(data_dir)
    assert current_revision(db) == head_revision()
    job = JobService(db).find_job(job_hex)
    assert job.status is JobStatus.COMPLETED and job.log == "done"
    assert job.progress == 0.0 and job.cancel_requested is False
    db.close()

    backups = list((data_dir / "backup").glob("aiom4b-*.db"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert copy.execute("SELECT id, status FROM jobs").fetchall() == [(job_hex, "completed")]
    copy.close()
    assert before  # the original was read before the upgrade changed it


def test_adopts_a_seed_database_without_alembic_stamp(data_dir: Path):
    data_dir.mkdir(mode=0o700)
    path = data_dir / DB_FILE
    conn = sqlite3.connect(path)
    conn.executescript(SEED_SQL)
    conn.close()
    _insert_seed_row(path, "fedcba9876543210fedcba9876543210", status="failed")
    db = open_database(data_dir)
    assert current_revision(db) == head_revision()
    assert JobService(db).count_by_status()[JobStatus.FAILED] == 1
    db.close()
    assert len(list((data_dir / "backup").glob("aiom4b-*.db"))) == 1


def test_a_database_from_a_newer_version_is_refused_untouched(data_dir: Path):
    open_database(data_dir).close()
    path = data_dir / DB_FILE
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DatabaseTooNewError, match="newer version of aiom4b"):
        open_database(data_dir)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_backup_is_a_consistent_copy(data_dir: Path, tmp_path: Path):
    db = open_database(data_dir)
    folder = tmp_path / "b"
    folder.mkdir()
    from aiom4b_tui.store.models import JobCreate

    JobService(db).create_job(JobCreate(input_folders=[folder]))
    dest = db.backup()
    db.close()
    assert dest.parent == data_dir / "backup"
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT count(*) FROM jobs").fetchone() == (1,)


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from aiom4b_tui.store.database.db import open_database
    from aiom4b_tui.store.jobs import JobService
    from aiom4b_tui.store.models import JobCreate, JobUpdate

    data_dir, folder, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    service = JobService(open_database(data_dir))
    for i in range(n):
        job = service.create_job(JobCreate(input_folders=[folder]))
        service.update_job(job.id, JobUpdate(progress=0.5, log=f"write {i}"))
        service.append_log(job.id, "more")
        service.claim_next(f"writer:{sys.argv[4]}")
    print("ok")
    """
)


def test_two_processes_writing_at_once_never_fail(data_dir: Path, tmp_path: Path):
    open_database(data_dir).close()
    folder = tmp_path / "book"
    folder.mkdir()
    n = 60
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), str(folder), str(n), str(k)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == "ok"
    db = open_database(data_dir)
    counts = JobService(db).count_by_status()
    db.close()
    assert sum(counts.values()) == 2 * n
    assert counts[JobStatus.RUNNING] == 2 * n  # every job claimed exactly once
