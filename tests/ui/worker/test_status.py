"""The words the header and the log use: pure functions of rows, checked without a screen."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from aiom4b_tui.store.models import JobDB, JobStatus, WorkerDB
from aiom4b_tui.store.workers import PauseMode
from aiom4b_tui.ui.jobs.cells import failure_reason
from aiom4b_tui.ui.jobs.changes import ChangeTracker, status_event
from aiom4b_tui.ui.worker.status import status_line

STARTED = datetime(2026, 5, 1, 22, 41, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def worker(pid: int, running: int, host: str = "vm") -> WorkerDB:
    return WorkerDB(
        id=f"{host}:{pid}", host=host, pid=pid, started_at=STARTED, books_running=running
    )


def job(status: JobStatus, **fields) -> JobDB:
    fields.setdefault("input_folders", json.dumps(["/books/Dune"]))
    return JobDB(status=status, title="Dune", **fields)


def test_one_worker_by_host_pid_since_and_books():
    assert status_line([worker(4121, 2)], None) == "worker vm:4121 since 22:41 · 2 running"
    assert status_line([worker(4121, 0)], None) == "worker vm:4121 since 22:41 · idle"


def test_several_workers_none_and_the_pause():
    assert status_line([worker(1, 1), worker(2, 2)], None) == "2 workers · 3 running"
    assert status_line([], None) == "no worker"
    assert status_line([worker(1, 2)], PauseMode.FINISH) == "⏸ paused (finishing 2)"
    assert status_line([worker(1, 0)], PauseMode.FINISH) == "⏸ paused"
    assert status_line([worker(1, 2)], PauseMode.STOP) == "⏸ paused"


def test_a_hostile_host_name_is_shown_not_obeyed():
    line = status_line([worker(7, 0, host="evil\x1b]0;pwned\x07")], None)
    assert "\x1b" not in line and "\x07" not in line and "␛" in line


def test_the_reason_column_first_then_the_failed_log_line():
    assert failure_reason(job(JobStatus.FAILED, reason="02.mp3 is not audio")) == (
        "02.mp3 is not audio"
    )
    older = job(JobStatus.FAILED, log="22:30 scanned\n22:31 failed: CD2/07.mp3 bad\n22:32 bye")
    assert failure_reason(older) == "CD2/07.mp3 bad"
    assert failure_reason(job(JobStatus.FAILED, log="only line")) == "only line"
    assert "\x1b" not in failure_reason(job(JobStatus.FAILED, reason="a\x1b[2Jb"))


def test_each_status_change_is_one_event_in_one_format():
    running = job(JobStatus.RUNNING, worker="vm:4121")
    assert status_event(running, JobStatus.QUEUED) == "Dune: started on vm:4121"
    done = job(JobStatus.COMPLETED, output_file="/out/Dune.m4b")
    assert status_event(done, JobStatus.RUNNING) == "Dune: done → Dune.m4b"
    failed = job(JobStatus.FAILED, reason="no audio")
    assert status_event(failed, JobStatus.RUNNING) == "Dune: failed: no audio"
    assert status_event(job(JobStatus.QUEUED), JobStatus.RUNNING) == "Dune: back in the queue"
    tracker = ChangeTracker()
    tracker.know([job(JobStatus.QUEUED, id=running.id)])
    assert tracker.seen([running]) == [("Dune: started on vm:4121", "yellow")]
    assert tracker.seen([running]) == []  # the same status again is no news
