"""The store on both back ends: migrations (from empty, from the previous revision, a
newer database refused), claims that never collide, the URL's password kept out of
every message, pg_dump backups."""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from aiom4b_tui.cli import main
from aiom4b_tui.store.database.db import (
    DB_FILE,
    Database,
    DatabaseError,
    DatabaseTooNewError,
    open_database,
)
from aiom4b_tui.store.database.migrate import alembic_config, current_revision, head_revision
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobStatus, utcnow
from tests.helpers.workers import queue_jobs

pytestmark = pytest.mark.postgres


def _raw_database(data_dir: Path, url: str | None) -> Database:
    """The database of the back end, not migrated."""
    if url is None:
        data_dir.mkdir(mode=0o700, exist_ok=True)
        (data_dir / DB_FILE).touch()
        return Database(data_dir / DB_FILE)
    return Database(None, url=url)


def _upgrade_to(db: Database, revision: str) -> None:
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def _previous_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    previous = script.get_revision(head_revision()).down_revision
    assert isinstance(previous, str)
    return previous


def test_migrates_an_empty_database_to_head(data_dir: Path, database_url: str | None):
    db = open_database(data_dir, url=database_url)
    try:
        assert current_revision(db) == head_revision()
        for table in ("jobs", "watched_folders", "workers", "queue_state"):
            assert db.has_table(table), table
    finally:
        db.close()


def test_migrates_from_the_previous_revision_keeping_jobs(data_dir: Path, database_url: str | None):
    raw = _raw_database(data_dir, database_url)
    _upgrade_to(raw, _previous_revision())
    with raw.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO jobs (id, status, input_folders, log) VALUES (:id, :s, :f, :l)"),
            {"id": "0123456789abcdef0123456789abcdef", "s": "failed", "f": '["/b"]', "l": "x"},
        )
    raw.close()
    db = open_database(data_dir, url=database_url)
    try:
        assert current_revision(db) == head_revision()
        job = JobService(db).find_job("0123456789ab")
        assert job.status is JobStatus.FAILED and job.log == "x" and job.progress == 0.0
    finally:
        db.close()


def test_a_newer_database_is_refused_on_both(data_dir: Path, database_url: str | None):
    open_database(data_dir, url=database_url).close()
    raw = _raw_database(data_dir, database_url)
    with raw.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    raw.close()
    with pytest.raises(DatabaseTooNewError, match="newer version of aiom4b"):
        open_database(data_dir, url=database_url)
    raw = _raw_database(data_dir, database_url)
    assert current_revision(raw) == "9999"  # untouched
    raw.close()


def test_timestamps_round_trip_as_utc(data_dir: Path, database_url: str | None, tmp_path: Path):
    db = open_database(data_dir, url=database_url)
    try:
        service = JobService(db)
        before = utcnow()
        (job,) = queue_jobs(service, tmp_path, 1)
        row = service.get_job(job.id)
        assert row is not None
        created = row.created_at.replace(tzinfo=before.tzinfo)
        assert abs((created - before).total_seconds()) < 60
        assert [j.id for j in service.changed_since(before.replace(microsecond=0))] == [job.id]
    finally:
        db.close()


def test_concurrent_claims_never_take_one_job_twice(
    data_dir: Path, database_url: str | None, tmp_path: Path
):
    db = open_database(data_dir, url=database_url)
    service = JobService(db)
    jobs = queue_jobs(service, tmp_path, 24)
    taken: dict[str, list] = {}
    errors: list[BaseException] = []

    def claimer(name: str) -> None:
        mine = taken.setdefault(name, [])
        try:
            while (job := service.claim_next(name)) is not None:
                mine.append(job.id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(f"h{i}:1",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.close()
    assert not errors
    claimed = [job_id for ids in taken.values() for job_id in ids]
    assert sorted(claimed) == sorted(j.id for j in jobs)  # each once, none lost


def test_claim_passes_over_jobs_not_accepted(
    data_dir: Path, database_url: str | None, tmp_path: Path
):
    db = open_database(data_dir, url=database_url)
    service = JobService(db)
    first, second = queue_jobs(service, tmp_path, 2)
    job = service.claim_next("h:1", accept=lambda j: j.id != first.id)
    assert job is not None and job.id == second.id
    assert service.claim_next("h:1", exclude=[first.id]) is None
    assert service.get_job(first.id).status is JobStatus.QUEUED
    db.close()


SECRET = "s3cr3t-pw"


def _with_password(url: str) -> str:
    return url.replace("postgres@", f"postgres:{SECRET}@", 1)


def _cli(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str | Path):
    """`aiom4b --data-dir DATA ARGS` in this process: (exit code, stdout, stderr)."""
    code = main(["--data-dir", str(data_dir), *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_password_never_shows(pg_url: str, data_dir: Path, tmp_path: Path, capsys):
    url = _with_password(pg_url)
    code, out, err = _cli(capsys, data_dir, "--database-url", url, "stats", "--json")
    assert code == 0, err
    assert json.loads(out)["database"].startswith("postgresql+psycopg://postgres:***@")
    assert SECRET not in out + err
    code, out, err = _cli(capsys, data_dir, "workers", "--database-url", url)
    assert code == 0, err
    assert "postgres:***@" in out and SECRET not in out + err
    unreachable = f"postgresql+psycopg://postgres:{SECRET}@/x?host={tmp_path}/none"
    code, out, err = _cli(capsys, data_dir, "--database-url", unreachable, "stats")
    assert code == 1
    assert "cannot open the database postgresql+psycopg://postgres:***@" in err
    assert SECRET not in out + err
    with pytest.raises(DatabaseError) as caught:
        open_database(data_dir, url=unreachable)
    assert SECRET not in str(caught.value)


def test_db_backup_runs_pg_dump(pg_url: str, data_dir: Path, tmp_path: Path, capsys):
    db = open_database(data_dir, url=pg_url)
    JobService(db).create_job(JobCreate(input_folders=[tmp_path]))
    db.close()
    code, out, err = _cli(capsys, data_dir, "db", "backup", "--to", tmp_path / "dumps")
    assert code == 0, err
    dump = Path(out.strip())
    assert dump.parent == tmp_path / "dumps" and dump.suffix == ".pgdump"
    assert dump.read_bytes().startswith(b"PGDMP")
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600


def test_db_backup_without_pg_dump_says_what_to_do(
    pg_url: str, data_dir: Path, tmp_path: Path, capsys, monkeypatch
):
    open_database(data_dir, url=pg_url).close()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code, _out, err = _cli(capsys, data_dir, "db", "backup")
    assert code == 1
    assert "pg_dump is not on PATH" in err
