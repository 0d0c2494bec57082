"""The scripting surface: failures you can read (`jobs` reason column, `--json` reason),
status words as the TUI shows them, one timestamp format, `add` refusing a folder
without audio, an unknown verb named, messages in folders rather than field names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aiom4b_tui.engine.plan.title import job_title
from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from aiom4b_tui.store.models import JobStatus
from tests.helpers.audio import make_tone
from tests.helpers.workers import aiom4b, open_service, queue_jobs

ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


@pytest.fixture
def jobs(tmp_path: Path):
    """A data dir with one failed, one completed and one queued job."""
    data = tmp_path / "data"
    _settings, db, service = open_service(data)
    failed, done, queued = queue_jobs(service, tmp_path, 3)
    service.claim_job(failed.id, "host:1")
    service.finish_running(
        failed.id, "host:1", JobStatus.FAILED, ["failed: 02.mp3 is empty"], reason="02.mp3 is empty"
    )
    service.claim_job(done.id, "host:1")
    service.finish_running(done.id, "host:1", JobStatus.COMPLETED, ["ok"], output_file="/x.m4b")
    yield data, failed, done, queued
    db.close()


def test_jobs_shows_a_failed_rows_reason_and_json_has_it(jobs):
    data, failed, done, _queued = jobs
    listed = aiom4b(data, "jobs")
    assert listed.returncode == 0, listed.stderr
    line = next(x for x in listed.stdout.splitlines() if x.startswith(str(failed.id)[:8]))
    assert "failed" in line and line.endswith("(02.mp3 is empty)")
    done_line = next(x for x in listed.stdout.splitlines() if x.startswith(str(done.id)[:8]))
    assert "done" in done_line and "(" not in done_line
    rows = {row["id"]: row for row in json.loads(aiom4b(data, "jobs", "--json").stdout)}
    assert rows[str(failed.id)]["reason"] == "02.mp3 is empty"
    assert rows[str(done.id)]["reason"] is None


def test_every_timestamp_in_json_is_iso_utc_with_z(jobs):
    data, *_made = jobs
    rows = json.loads(aiom4b(data, "jobs", "--json").stdout)
    stamps = [row[k] for row in rows for k in ("created_at", "updated_at") if row[k]]
    stamps += [rows[0]["end_time"] or "", *(r["start_time"] for r in rows if r["start_time"])]
    assert all(ISO_Z.fullmatch(s) for s in stamps if s), stamps
    stats = json.loads(aiom4b(data, "stats", "--json").stdout)
    assert ISO_Z.fullmatch(stats["oldest"]) and ISO_Z.fullmatch(stats["newest"])


@pytest.mark.parametrize(("word", "which"), [("done", 1), ("completed", 1), ("Failed", 0)])
def test_jobs_status_takes_the_words_the_tui_shows(jobs, word, which):
    data, *made = jobs
    listed = json.loads(aiom4b(data, "jobs", "--status", word, "--json").stdout)
    assert [row["id"] for row in listed] == [str(made[which].id)]


def test_a_bad_status_lists_the_valid_ones(jobs):
    data, *_ = jobs
    result = aiom4b(data, "jobs", "--status", "finished")
    assert result.returncode == 2
    assert "valid: queued, running, done, failed, cancelled" in result.stderr


def test_add_refuses_a_folder_without_audio(tmp_path):
    data = tmp_path / "data"
    empty = tmp_path / "Empty"
    empty.mkdir()
    notes = tmp_path / "Notes"
    notes.mkdir()
    (notes / "readme.txt").write_text("not audio")
    for folder, why in ((empty, "the folder is empty"), (notes, "1 other file skipped")):
        result = aiom4b(data, "add", folder, "--no-worker")
        assert result.returncode == 2
        assert f"no audio files in {folder}" in result.stderr and why in result.stderr
    assert json.loads(aiom4b(data, "jobs", "--json").stdout) == []


def test_messages_name_folders_not_fields_and_unknown_verbs_are_named(tmp_path):
    data = tmp_path / "data"
    missing = aiom4b(data, "add", tmp_path / "nowhere")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"aiom4b: folder does not exist: {tmp_path / 'nowhere'}"
    unknown = aiom4b(data, "frobnicate")
    assert unknown.returncode == 2 and "unknown verb 'frobnicate'" in unknown.stderr


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
    added = json.loads(aiom4b(tmp_path / "data", "add", book, "--json", "--no-worker").stdout)
    assert added["title"] == "Dune · Frank Herbert"


def test_rm_removes_the_work_a_stopped_job_kept(jobs):
    data, _failed, _done, queued = jobs
    work = data / "output" / f".aiom4b-work-{queued.id.hex}"
    work.mkdir(parents=True)
    (work / "segment-0000.aac").write_bytes(b"kept for a resume")
    removed = aiom4b(data, "rm", str(queued.id)[:8])
    assert removed.returncode == 0, removed.stderr
    assert not work.exists()
