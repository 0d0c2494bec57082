"""The verbs that change the job database (cli/job_verbs.py), run through `aiom4b`'s
main: `add` (one book of several folders, refused without audio, titled from its tags), `rm`
(by unique prefix, its kept work removed), `clear`, `db backup`."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from aiom4b_tui.engine.plan.title import job_title
from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from tests.helpers.audio import make_tone
from tests.helpers.cli import call_aiom4b, run_aiom4b
from tests.helpers.workers import open_service, queue_jobs


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "Dune"
    folder.mkdir()
    make_tone(folder / "01.mp3", 0.2)
    return folder


def test_add_then_jobs_json_lists_it_queued(data_dir: Path, book: Path):
    # As a person runs them: each in an interpreter of its own, the database made by the first.
    added = run_aiom4b("add", book, "--no-worker", data_dir=data_dir)
    assert added.returncode == 0, added.stderr
    listed = run_aiom4b("jobs", "--json", data_dir=data_dir)
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
    result = call_aiom4b(
        "add", book, second, "--name", "Dune", "--output-dir", out, "--json", "--no-worker"
    )
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert job["input_folders"] == [str(book.resolve()), str(second.resolve())]
    assert job["title"] == "Dune"
    assert job["options"]["output_dir"] == str(out.resolve())
    assert job["options"]["output_name"] == "Dune"


def test_add_refuses_a_folder_without_audio(tmp_path):
    data = tmp_path / "data"
    empty = tmp_path / "Empty"
    empty.mkdir()
    notes = tmp_path / "Notes"
    notes.mkdir()
    (notes / "readme.txt").write_text("not audio")
    for folder, why in ((empty, "the folder is empty"), (notes, "1 other file skipped")):
        result = call_aiom4b("add", folder, "--no-worker", data_dir=data)
        assert result.returncode == 2
        assert f"no audio files in {folder}" in result.stderr and why in result.stderr
    assert json.loads(call_aiom4b("jobs", "--json", data_dir=data).stdout) == []


def test_add_names_a_missing_folder_not_a_field(tmp_path):
    missing = call_aiom4b("add", tmp_path / "nowhere", data_dir=tmp_path / "data")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"aiom4b: folder does not exist: {tmp_path / 'nowhere'}"


def test_a_file_given_as_folder_is_refused(tmp_path: Path):
    file = tmp_path / "a.mp3"
    file.write_bytes(b"\0")
    result = call_aiom4b("add", file)
    assert result.returncode == 2
    assert f"not a folder: {file}" in result.stderr


def test_one_title_for_a_job_from_every_door(tmp_path):
    book = tmp_path / "dune_rip"
    book.mkdir()
    make_tone(book / "01.mp3", 0.2, tags={"album": "Dune", "artist": "Frank Herbert"})
    assert job_title([book]) == "Dune · Frank Herbert"
    assert job_title([book], JobOptions(output_name="Mine")) == "Mine"
    tagged = JobOptions(tags=TagOverrides(title="Dune Messiah", author="F. Herbert"))
    assert job_title([book], tagged) == "Dune Messiah · F. Herbert"
    plain = tmp_path / "Plain"
    plain.mkdir()
    make_tone(plain / "01.mp3", 0.2)
    assert job_title([plain]) == "Plain"
    added = call_aiom4b("add", book, "--json", "--no-worker", data_dir=tmp_path / "data")
    assert json.loads(added.stdout)["title"] == "Dune · Frank Herbert"


def test_rm_by_unique_prefix(data_dir: Path, book: Path):
    job_id = json.loads(call_aiom4b("add", book, "--json", "--no-worker").stdout)["id"]
    removed = call_aiom4b("rm", job_id[:8])
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout == f"deleted {job_id}\n"
    assert json.loads(call_aiom4b("jobs", "--json").stdout) == []


def test_rm_removes_the_work_a_stopped_job_kept(tmp_path):
    data = tmp_path / "data"
    _settings, db, service = open_service(data)
    (queued,) = queue_jobs(service, tmp_path, 1)
    db.close()
    work = data / "output" / f".aiom4b-work-{queued.id.hex}"
    work.mkdir(parents=True)
    (work / "segment-0000.aac").write_bytes(b"kept for a resume")
    removed = call_aiom4b("rm", str(queued.id)[:8], data_dir=data)
    assert removed.returncode == 0, removed.stderr
    assert not work.exists()


def test_clear_keeps_queued_jobs(book: Path):
    call_aiom4b("add", book, "--no-worker")
    result = call_aiom4b("clear", "--days", "0")
    assert result.returncode == 0
    assert "cleared 0 finished jobs" in result.stdout
    assert len(json.loads(call_aiom4b("jobs", "--json").stdout)) == 1


def test_db_backup_writes_a_copy(data_dir: Path, book: Path):
    call_aiom4b("add", book, "--no-worker")
    result = call_aiom4b("db", "backup")
    assert result.returncode == 0, result.stderr
    copy = Path(result.stdout.strip())
    assert copy.parent == data_dir.resolve() / "backup"
    assert sqlite3.connect(copy).execute("select count(*) from jobs").fetchone() == (1,)
