"""`aiom4b jobs` and `stats` (cli/listing_verbs.py), run through `aiom4b`'s main: a failed
row's reason, the status words the TUI shows, one timestamp format, a newer database
refused in a sentence."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from uuid import UUID

import pytest

from aiom4b_tui.cli.listing_verbs import job_line
from aiom4b_tui.store.light_read import JobListing
from aiom4b_tui.store.models import JobStatus
from tests.helpers.cli import call_aiom4b
from tests.helpers.workers import open_service, queue_jobs

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
    listed = call_aiom4b("jobs", data_dir=data)
    assert listed.returncode == 0, listed.stderr
    line = next(x for x in listed.stdout.splitlines() if x.startswith(str(failed.id)[:8]))
    assert "failed" in line and line.endswith("(02.mp3 is empty)")
    done_line = next(x for x in listed.stdout.splitlines() if x.startswith(str(done.id)[:8]))
    assert "done" in done_line and "(" not in done_line
    as_json = call_aiom4b("jobs", "--json", data_dir=data).stdout
    rows = {row["id"]: row for row in json.loads(as_json)}
    assert rows[str(failed.id)]["reason"] == "02.mp3 is empty"
    assert rows[str(done.id)]["reason"] is None


def test_every_timestamp_in_json_is_iso_utc_with_z(jobs):
    data, *_made = jobs
    rows = json.loads(call_aiom4b("jobs", "--json", data_dir=data).stdout)
    stamps = [row[k] for row in rows for k in ("created_at", "updated_at") if row[k]]
    stamps += [rows[0]["end_time"] or "", *(r["start_time"] for r in rows if r["start_time"])]
    assert all(ISO_Z.fullmatch(s) for s in stamps if s), stamps
    stats = json.loads(call_aiom4b("stats", "--json", data_dir=data).stdout)
    assert ISO_Z.fullmatch(stats["oldest"]) and ISO_Z.fullmatch(stats["newest"])


@pytest.mark.parametrize(("word", "which"), [("done", 1), ("completed", 1), ("Failed", 0)])
def test_jobs_status_takes_the_words_the_tui_shows(jobs, word, which):
    data, *made = jobs
    listed = json.loads(call_aiom4b("jobs", "--status", word, "--json", data_dir=data).stdout)
    assert [row["id"] for row in listed] == [str(made[which].id)]


def test_a_bad_status_lists_the_valid_ones(jobs):
    data, *_ = jobs
    result = call_aiom4b("jobs", "--status", "finished", data_dir=data)
    assert result.returncode == 2
    assert "valid: queued, running, done, failed, cancelled" in result.stderr


def test_stats_counts_the_jobs_per_status(jobs):
    data, *_ = jobs
    stats = json.loads(call_aiom4b("stats", "--json", data_dir=data).stdout)
    assert stats["jobs"] == {
        "queued": 1,
        "running": 0,
        "completed": 1,
        "failed": 1,
        "cancelled": 0,
    }
    assert stats["total"] == 3 and stats["bad_rows"] == {}
    assert stats["database_bytes"] > 0 and stats["oldest"] <= stats["newest"]
    shown = call_aiom4b("stats", data_dir=data).stdout.splitlines()
    assert shown[0].startswith(f"database  {data.resolve() / 'aiom4b.db'} (")
    assert "failed    1" in shown and "total     3" in shown


def test_a_job_line_shows_progress_while_running_and_text_made_visible():
    created = datetime(2026, 1, 2, 3, 4)
    row = JobListing(
        id=UUID("0123456789abcdef0123456789abcdef"), status=JobStatus.RUNNING,
        input_folders=[Path("/b/Dune")], output_file=None, start_time=created, end_time=None,
        log=None, created_at=created, updated_at=created, progress=0.42,
        title="Dune\x1b[2J", options_json=None, worker="h:1", speed=None, eta_seconds=None,
        heartbeat=None, cancel_requested=False, reason=None, problem=None,
    )  # fmt: skip
    assert job_line(row) == "01234567  running   2026-01-02 03:04  42%  Dune␛[2J"


def test_newer_database_exits_1_with_a_message(data_dir: Path):
    assert call_aiom4b("stats").returncode == 0
    conn = sqlite3.connect(data_dir / "aiom4b.db")
    conn.execute("update alembic_version set version_num = 'ffff'")
    conn.commit()
    conn.close()
    result = call_aiom4b("stats")
    assert result.returncode == 1
    assert "newer version of aiom4b" in result.stderr
    assert "Traceback" not in result.stderr
