"""The queue's verbs (cli/queue_verbs.py): cancel and retry run through `aiom4b`'s main;
watch run in a process of its own while a folder is copied slowly into its inbox."""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest

from aiom4b_tui.store.models import JobStatus, JobUpdate, utcnow
from tests.helpers.cli import call_aiom4b
from tests.helpers.workers import (
    open_service,
    queue_jobs,
    start_aiom4b,
    wait_for,
)


def test_cancel_a_queued_job_by_prefix(tmp_path: Path):
    data = tmp_path / "data"
    _settings, db, service = open_service(data)
    (job,) = queue_jobs(service, tmp_path, 1)
    result = call_aiom4b("cancel", job.id.hex[:8], data_dir=data)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"cancelled {job.id}")
    assert service.get_job(job.id).status is JobStatus.CANCELLED
    again = call_aiom4b("cancel", str(job.id), data_dir=data)
    assert again.returncode == 2 and "nothing to cancel" in again.stderr
    db.close()


def test_retry_a_cancelled_job_and_refuse_a_queued_one(tmp_path: Path):
    data = tmp_path / "data"
    _settings, db, service = open_service(data)
    (job,) = queue_jobs(service, tmp_path, 1)
    service.request_cancel(job.id)
    result = call_aiom4b("retry", str(job.id), data_dir=data)
    assert result.returncode == 0, result.stderr
    row = service.get_job(job.id)
    assert row.status is JobStatus.QUEUED and "cancelled while queued" in row.log
    refused = call_aiom4b("retry", str(job.id), data_dir=data)
    assert refused.returncode == 2 and "only failed or cancelled" in refused.stderr
    assert call_aiom4b("retry", "ffff", data_dir=data).returncode == 2
    db.close()


def test_cancel_a_job_whose_worker_is_gone_ends_it_at_once(tmp_path: Path):
    pytest.importorskip("aiom4b_tui.engine.work.folder")  # its remove_work_dirs
    data = tmp_path / "data"
    _settings, db, service = open_service(data)
    (job,) = queue_jobs(service, tmp_path, 1)
    service.claim_next("no-such-host-anymore:1")
    silent = utcnow() - timedelta(minutes=5)
    service.update_job(job.id, JobUpdate(heartbeat=silent))
    result = call_aiom4b("cancel", str(job.id), "--wait", "0", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert service.get_job(job.id).status is JobStatus.CANCELLED
    db.close()


def _copy_slowly(source_files: list[tuple[str, bytes]], dest: Path, pause: float) -> float:
    """Write the files in halves, `pause` seconds apart; returns when the last write ended."""
    dest.mkdir()
    for i, (name, data) in enumerate(source_files):
        if i:
            time.sleep(pause)
        with open(dest / name, "wb") as out:
            half = len(data) // 2
            out.write(data[:half])
            out.flush()
            time.sleep(pause)
            out.write(data[half:])
    return time.monotonic()


@pytest.mark.integration  # a watcher process for seconds: out of the quick run
def test_a_folder_copied_slowly_into_the_inbox_becomes_one_job(tmp_path: Path):
    data = tmp_path / "data"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "Old Book").mkdir()  # there before the watcher: taken too
    (inbox / "Old Book" / "01.mp3").write_bytes(b"\xff\xfb" * 100)
    (inbox / "Not a book").mkdir()
    (inbox / "Not a book" / "notes.txt").write_text("no audio here")
    _settings, db, service = open_service(data)
    watcher = start_aiom4b(data, "watch", inbox, "--settle", "1", log=tmp_path / "watch.log")
    try:
        wait_for(lambda: service.count_by_status()[JobStatus.QUEUED] == 1)
        files = [(f"{i:02d}.mp3", bytes([i]) * 50_000) for i in range(1, 4)]
        started = time.monotonic()
        copied = _copy_slowly(files, inbox / "New Book", pause=0.4)  # ~2 s, gaps < settle
        assert service.count_by_status()[JobStatus.QUEUED] == 1, "taken half-way"
        wait_for(lambda: service.count_by_status()[JobStatus.QUEUED] == 2, timeout=15)
        assert time.monotonic() - copied >= 0.9
        (inbox / "New Book" / "extra.txt").write_text("touched after")  # not taken again
        time.sleep(2.5)
        titles = sorted(j.title for j in service.get_jobs())
        assert titles == ["New Book", "Old Book"]
        assert time.monotonic() - started < 20
    finally:
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(timeout=10) == 0
        db.close()
    log = (tmp_path / "watch.log").read_text()
    assert "New Book: queued from the inbox" in log
