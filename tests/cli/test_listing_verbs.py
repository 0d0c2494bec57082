"""The headless job verbs, run as a person runs them: `python -m aiom4b_tui ...`."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.helpers.audio import make_tone
from tests.helpers.cli import run_aiom4b as aiom4b


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "Dune"
    folder.mkdir()
    make_tone(folder / "01.mp3", 0.2)
    return folder


def test_version():
    result = aiom4b("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("aiom4b 0.")


def test_add_then_jobs_json_lists_it_queued(data_dir: Path, book: Path):
    added = aiom4b("--data-dir", data_dir, "add", book, "--no-worker")
    assert added.returncode == 0, added.stderr
    listed = aiom4b("--data-dir", data_dir, "jobs", "--json")
    assert listed.returncode == 0, listed.stderr
    jobs = json.loads(listed.stdout)
    assert len(jobs) == 1
    assert jobs[0]["status"] == "queued"
    assert jobs[0]["input_folders"] == [str(book.resolve())]
    assert jobs[0]["id"] in added.stdout
    db = data_dir / "aiom4b.db"
    assert sqlite3.connect(db).execute("pragma journal_mode").fetchone() == ("wal",)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_add_takes_several_folders_as_one_book_with_name_and_output(
    data_dir: Path, book: Path, tmp_path: Path
):
    second = tmp_path / "Dune 2"
    second.mkdir()
    make_tone(second / "01.mp3", 0.2)
    out = tmp_path / "out"
    result = aiom4b(
        "add", book, second, "--name", "Dune", "--output-dir", out, "--json", "--no-worker"
    )
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert job["input_folders"] == [str(book.resolve()), str(second.resolve())]
    assert job["title"] == "Dune"
    assert job["options"]["output_dir"] == str(out.resolve())
    assert job["options"]["output_name"] == "Dune"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "/no/such/folder"), "folder does not exist: /no/such/folder"),
        (("add",), "required"),
        (("rm", "abcdef"), "no job with id abcdef"),
        (("jobs", "--status", "bogus"), "invalid"),
        (("jobs", "--limit", "-1"), "0 or more"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, message):
    result = aiom4b(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_given_as_folder_is_refused(tmp_path: Path):
    file = tmp_path / "a.mp3"
    file.write_bytes(b"\0")
    result = aiom4b("add", file)
    assert result.returncode == 2
    assert f"not a folder: {file}" in result.stderr


def test_rm_by_unique_prefix_and_stats(data_dir: Path, book: Path):
    job_id = json.loads(aiom4b("add", book, "--json", "--no-worker").stdout)["id"]
    stats = json.loads(aiom4b("stats", "--json").stdout)
    assert stats["jobs"]["queued"] == 1 and stats["total"] == 1
    assert stats["database_bytes"] > 0 and stats["oldest"] == stats["newest"]
    removed = aiom4b("rm", job_id[:8])
    assert removed.returncode == 0, removed.stderr
    assert json.loads(aiom4b("jobs", "--json").stdout) == []


def test_clear_keeps_queued_jobs(book: Path):
    aiom4b("add", book, "--no-worker")
    result = aiom4b("clear", "--days", "0")
    assert result.returncode == 0
    assert "cleared 0 finished jobs" in result.stdout
    assert len(json.loads(aiom4b("jobs", "--json").stdout)) == 1


def test_db_backup_writes_a_copy(data_dir: Path, book: Path):
    aiom4b("add", book, "--no-worker")
    result = aiom4b("db", "backup")
    assert result.returncode == 0, result.stderr
    copy = Path(result.stdout.strip())
    assert copy.parent == data_dir.resolve() / "backup"
    assert sqlite3.connect(copy).execute("select count(*) from jobs").fetchone() == (1,)


def test_newer_database_exits_1_with_a_message(data_dir: Path):
    assert aiom4b("stats").returncode == 0
    conn = sqlite3.connect(data_dir / "aiom4b.db")
    conn.execute("update alembic_version set version_num = 'ffff'")
    conn.commit()
    conn.close()
    result = aiom4b("stats")
    assert result.returncode == 1
    assert "newer version of aiom4b" in result.stderr
    assert "Traceback" not in result.stderr
