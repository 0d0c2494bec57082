"""Worker processes (`python -m aiom4b_tui worker`) on a real SQLite file with the real
ffmpeg: killed mid-job, two at once, cancelled from another process, stopped by signals."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pytest

from aiom4b_tui.engine.ffmpeg.process import TERMINATE_GRACE
from aiom4b_tui.queue.runner.runner import POLL_INTERVAL
from aiom4b_tui.store.models import JobStatus
from tests.helpers.workers import (
    aiom4b,
    ffmpeg_children,
    leftovers,
    make_book,
    processes_mentioning,
    queue_aac_book,
    running_past,
    start_aiom4b,
    wait_for,
)

pytestmark = pytest.mark.integration

# Seconds a cancel may take beyond the runner's poll and ffmpeg's grace, beside another
# encoding worker on a loaded machine.
CANCEL_SLACK = 3.0


@pytest.fixture(scope="module")
def long_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three minutes of audio: about five seconds of work for one ffmpeg process."""
    return make_book(tmp_path_factory.mktemp("long") / "Long Book", files=3, seconds=60)


def _wait_running(service, job_id, log: Path) -> None:
    """Wait until the job runs and has progress; on a time-out, show the worker's log."""
    try:
        wait_for(lambda: running_past(service, job_id), timeout=60)
    except AssertionError as exc:
        text = log.read_text(errors="replace") if log.exists() else "(no worker log)"
        raise AssertionError(f"{exc}\nworker log:\n{text[-3000:]}") from exc


def cancelled_not_completed(service, job_id) -> bool:
    """True once the job is cancelled; a job that ended otherwise fails at once."""
    row = service.get_job(job_id)
    assert row.status in (JobStatus.RUNNING, JobStatus.CANCELLED), row.log
    return row.status is JobStatus.CANCELLED


def test_a_worker_killed_mid_job_and_started_again_finishes_it(queue, long_book, tmp_path):
    data, service, out = queue
    job = queue_aac_book(service, long_book, out)
    first = start_aiom4b(data, "worker", "--once", "--jobs", "1", log=tmp_path / "w1.log")
    try:
        _wait_running(service, job.id, tmp_path / "w1.log")
        assert leftovers(out), "the work folder should exist mid-job"
    finally:
        first.kill()
        first.wait()
    assert service.get_job(job.id).status is JobStatus.RUNNING  # left behind by the dead
    second = aiom4b(data, "worker", "--once", "--jobs", "1", timeout=120)
    assert second.returncode == 0, second.stdout + second.stderr
    row = service.get_job(job.id)
    assert row.status is JobStatus.COMPLETED, row.log
    assert f"recovered: worker {row.log.split('started by ')[1].split()[0]} was gone" in row.log
    assert row.log.count("started by") == 2
    assert Path(row.output_file).is_file() and Path(row.output_file).parent == out
    assert leftovers(out) == []
    assert processes_mentioning(f".aiom4b-work-{job.id.hex}") == []


def test_two_workers_run_ten_jobs_each_exactly_once(queue, tiny_book, tmp_path):
    data, service, out = queue
    jobs = []
    for i in range(10):
        folder = tmp_path / "books" / f"Book {i:02d}"
        shutil.copytree(tiny_book, folder)
        jobs.append(queue_aac_book(service, folder, out))
    workers = [
        start_aiom4b(data, "worker", "--once", "--books", "1", "--jobs", "1", log=tmp_path / f"{n}")
        for n in ("a.log", "b.log")
    ]
    for worker in workers:
        assert worker.wait(timeout=90) == 0
    rows = [service.get_job(job.id) for job in jobs]
    assert [r.status for r in rows] == [JobStatus.COMPLETED] * 10, [r.log for r in rows]
    assert all(r.log.count("started by") == 1 for r in rows)
    outputs = {r.output_file for r in rows}
    assert len(outputs) == 10 and all(Path(p).is_file() for p in outputs)
    printed = (tmp_path / "a.log").read_text() + (tmp_path / "b.log").read_text()
    assert printed.count("completed:") == 10
    assert leftovers(out) == []


def test_cancel_from_another_process_ends_the_ffmpeg_children(queue, long_book, tmp_path):
    data, service, out = queue
    job = queue_aac_book(service, long_book, out)
    worker = start_aiom4b(data, "worker", "--jobs", "1", log=tmp_path / "w.log")
    try:
        _wait_running(service, job.id, tmp_path / "w.log")
        wait_for(lambda: ffmpeg_children(worker.pid), timeout=10)
        result = aiom4b(data, "cancel", job.id.hex[:8], "--wait", "0")
        asked = time.monotonic()  # the request is in the database
        assert result.returncode == 0, result.stderr
        wait_for(lambda: cancelled_not_completed(service, job.id), timeout=60)
        took = time.monotonic() - asked
        # The end is written only once the book's ffmpeg children are gone (terminated,
        # then killed after their grace): none is left when the row says cancelled.
        assert ffmpeg_children(worker.pid) == []
        # Seen at the next poll, ffmpeg ended within its grace; slack for a loaded machine.
        assert took < POLL_INTERVAL + TERMINATE_GRACE + CANCEL_SLACK, took
        assert worker.poll() is None  # the worker goes on serving the queue
        assert leftovers(out) == [] and not list(out.glob("*.m4b"))
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    assert service.get_job(job.id).status is JobStatus.CANCELLED


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGTERM, 0), (signal.SIGINT, 130), (signal.SIGHUP, 0)]
)
def test_a_stop_signal_puts_the_running_job_back_to_queued(queue, long_book, tmp_path, sig, code):
    data, service, out = queue
    job = queue_aac_book(service, long_book, out)
    worker = start_aiom4b(data, "worker", "--jobs", "1", log=tmp_path / "w.log")
    try:
        _wait_running(service, job.id, tmp_path / "w.log")
        worker.send_signal(sig)
        assert worker.wait(timeout=10) == code  # Ctrl-C: 130, as everywhere
    finally:
        if worker.poll() is None:
            worker.kill()
    row = service.get_job(job.id)
    assert row.status is JobStatus.QUEUED and row.worker is None
    assert row.log.endswith("stopped with its runner; queued again, its work kept")
    assert processes_mentioning(f".aiom4b-work-{job.id.hex}") == []
    assert leftovers(out), "its work folder is kept for the next run to resume from"


def test_a_watching_worker_converts_a_book_dropped_in_the_inbox(queue, tiny_book, tmp_path):
    data, service, _out = queue
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    worker = start_aiom4b(
        data, "worker", "--watch", inbox, "--settle", "0.5", "--jobs", "1", log=tmp_path / "w.log"
    )
    try:
        shutil.copytree(tiny_book, inbox / "Dropped Book")
        job = wait_for(lambda: service.get_jobs(status=JobStatus.COMPLETED), timeout=30)[0]
        assert job.title == "Dropped Book" and Path(job.output_file).is_file()
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    printed = (tmp_path / "w.log").read_text()
    assert "Dropped Book: queued from the inbox" in printed and "completed:" in printed
