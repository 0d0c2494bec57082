"""Rows hand-edited or written by another version (raw sqlite3): shown as bad, skipped by
claims or failed with the reason, never stopping `jobs`, `stats` or a worker."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from aiom4b_tui.store.database.db import DB_FILE, open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobStatus, UnknownStatus, utcnow
from tests.helpers.audio import make_tone

BAD = {
    "bogus": ("status", "bogus"),
    "options": ("options", '{"bitrate": '),
    "folders": ("input_folders", "not json at all"),
    "folder-list": ("input_folders", '{"a": 1}'),
}


def make_rows(data_dir: Path, book: Path) -> tuple[JobService, dict[str, uuid.UUID]]:
    """A good job first (oldest), then one bad row of each kind, then another good one."""
    service = JobService(open_database(data_dir))
    ids = {"good-1": service.create_job(JobCreate(input_folders=[book], title="Good one")).id}
    for name in BAD:
        ids[name] = service.create_job(JobCreate(input_folders=[book], title=name)).id
    ids["good-2"] = service.create_job(JobCreate(input_folders=[book], title="Good two")).id
    conn = sqlite3.connect(data_dir / DB_FILE)
    for name, (column, value) in BAD.items():
        conn.execute(f"UPDATE jobs SET {column} = ? WHERE id = ?", (value, ids[name].hex))
    # And one row inserted by hand with the seed's columns only, of a newer status.
    raw = uuid.uuid4()
    conn.execute(
        "INSERT INTO jobs (id, status, input_folders, created_at, updated_at) "
        "VALUES (?, 'paused', ?, '2030-01-01 00:00:00.000000', '2030-01-01 00:00:00.000000')",
        (raw.hex, f'["{book}"]'),
    )
    conn.commit()
    conn.close()
    ids["raw"] = raw
    return service, ids


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "Book"
    folder.mkdir()
    return folder


def test_reads_show_bad_rows_as_bad(data_dir: Path, book: Path):
    service, ids = make_rows(data_dir, book)
    rows = service.get_jobs(limit=100)
    assert {row.id for row in rows} == set(ids.values())
    jobs = {job.id: job for job in map(service.to_conversion_job, rows)}
    assert jobs[ids["bogus"]].status is None
    assert jobs[ids["bogus"]].status_text == "bad row: status 'bogus'"
    assert jobs[ids["options"]].problem.startswith("options cannot be read")
    assert jobs[ids["folders"]].problem.startswith("input_folders is not JSON")
    assert jobs[ids["folder-list"]].problem.startswith("input_folders is not a list")
    assert jobs[ids["raw"]].status_text == "bad row: status 'paused'"
    assert jobs[ids["good-1"]].problem is None
    assert jobs[ids["good-1"]].status_text == "queued"
    counts = service.count_by_status()
    assert counts[JobStatus.QUEUED] == 5
    assert service.unknown_statuses() == {"bogus": 1, "paused": 1}
    changed = service.changed_since(utcnow() - timedelta(days=1))
    assert {row.id for row in changed} == set(ids.values())
    assert isinstance(service.get_job(ids["bogus"]).status, UnknownStatus)


def test_claims_fail_unreadable_rows_and_skip_unknown_statuses(data_dir: Path, book: Path):
    service, ids = make_rows(data_dir, book)
    claimed = []
    while (job := service.claim_next("test:1")) is not None:
        claimed.append(job.id)
    assert claimed == [ids["good-1"], ids["good-2"]]
    for name in ("options", "folders", "folder-list"):
        row = service.get_job(ids[name])
        assert row.status is JobStatus.FAILED
        assert "failed: bad row: " in row.log
    assert service.get_job(ids["bogus"]).status == "bogus"  # left as it was
    assert service.get_job(ids["raw"]).status == "paused"


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=240, check=False)


def test_jobs_and_stats_list_bad_rows(data_dir: Path, book: Path):
    service, _ids = make_rows(data_dir, book)
    service.db.close()
    listed = run_cli(data_dir, "jobs")
    assert listed.returncode == 0, listed.stderr
    assert "bad row: status 'bogus'" in listed.stdout
    assert "bad row: options cannot be read" in listed.stdout
    assert "Good two" in listed.stdout and len(listed.stdout.splitlines()) == 7
    as_json = run_cli(data_dir, "jobs", "--json")
    assert as_json.returncode == 0 and '"problem": "status \'bogus\'"' in as_json.stdout
    stats = run_cli(data_dir, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "bad row: status 'bogus': 1" in stats.stdout
    assert "total     7" in stats.stdout


@pytest.mark.integration  # a worker process and ffmpeg
@pytest.mark.timeout(300)
def test_a_worker_runs_the_valid_jobs_past_the_bad_ones(data_dir: Path, book: Path, tmp_path):
    make_tone(book / "01.mp3", 1.0)
    service, ids = make_rows(data_dir, book)
    service.db.close()
    out = tmp_path / "out"
    env = {**os.environ, "AIOM4B_OUTPUT_DIR": str(out)}
    cmd = [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), "worker", "--once"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=280, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    service = JobService(open_database(data_dir))
    status = {name: service.get_job(job_id).status for name, job_id in ids.items()}
    assert status["good-1"] is status["good-2"] is JobStatus.COMPLETED
    assert status["options"] is status["folders"] is JobStatus.FAILED
    assert status["bogus"] == "bogus"
    assert len(list(out.glob("*.m4b"))) == 2
