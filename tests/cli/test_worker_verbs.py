"""`aiom4b worker` as its clients see it, with the real ffmpeg and SQLite: the lock and
--auto, idle exit, `add` starting a worker, and status/pause/resume/stop from the CLI
against a worker converting a real book."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import pytest

from aiom4b_tui.queue.control.lock import lock_holder
from aiom4b_tui.queue.control.spawn import ensure_worker
from aiom4b_tui.queue.control.worker_id import pid_alive, this_host
from aiom4b_tui.store.models import JobStatus
from tests.helpers.workers import (
    aiom4b,
    ffmpeg_children,
    leftovers,
    make_book,
    processes_mentioning,
    queue_aac_book,
    running_past,
    segments_recorded,
    wait_for,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def multi_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten minutes of audio: several segments on two ffmpeg processes, long enough to be
    still converting when a `pause` started from another process (slow under load) acts."""
    return make_book(tmp_path_factory.mktemp("multi") / "Multi Book", files=8, seconds=75)


def status_json(data: Path) -> dict:
    result = aiom4b(data, "worker", "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_auto_worker_leaves_when_one_runs_a_hand_started_one_runs(queue, started, tmp_path):
    data, _service, _out = queue
    first = started(data, "--idle-exit", "0", log="a.log")
    wait_for(lambda: lock_holder(data) == first.pid, timeout=30)
    auto = aiom4b(data, "worker", "--auto", timeout=30)
    assert auto.returncode == 0 and auto.stdout == "" and auto.stderr == ""
    second = started(data, "--idle-exit", "0", log="b.log")
    both = wait_for(lambda: (s := status_json(data)) and len(s["workers"]) == 2 and s, timeout=30)
    assert {w["pid"] for w in both["workers"]} == {first.pid, second.pid}
    assert both["lock_holder"] == first.pid and both["paused"] is None
    assert both["log"] == str(data.resolve() / "worker.log")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", w["since"]) for w in both["workers"])
    said = (tmp_path / "b.log").read_text()
    assert f"a worker already runs for this data dir (pid {first.pid}); starting another" in said
    one = aiom4b(data, "worker", "stop")
    assert one.returncode == 2 and "--all" in one.stderr  # two run: which one?
    stopped = aiom4b(data, "worker", "stop", "--all", "--wait", "30", timeout=60)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.count("stopped ") == 2
    assert first.wait(timeout=30) == 0 and second.wait(timeout=30) == 0
    assert lock_holder(data) is None
    assert status_json(data)["workers"] == []


def test_an_idle_worker_exits_after_its_idle_time(queue, started, tiny_book, monkeypatch, tmp_path):
    data, service, out = queue
    monkeypatch.setenv("AIOM4B_WORKER_IDLE_EXIT", "2")
    job = queue_aac_book(service, tiny_book, out)
    worker = started(data, "--jobs", "1")
    wait_for(lambda: service.get_job(job.id).status is JobStatus.COMPLETED, timeout=60)
    assert worker.wait(timeout=30) == 0
    said = (tmp_path / "w.log").read_text()
    assert "exits after 2 s idle" in said and "nothing queued or running for 2 s" in said
    assert lock_holder(data) is None
    assert status_json(data)["workers"] == []
    assert processes_mentioning(f".aiom4b-work-{job.id.hex}") == []
    assert leftovers(out) == []


def test_add_starts_a_detached_worker_that_makes_the_book(queue, tiny_book, monkeypatch, tmp_path):
    data, service, out = queue
    monkeypatch.setenv("AIOM4B_WORKER_IDLE_EXIT", "1")
    added = aiom4b(data, "add", tiny_book, "--output-dir", out)
    assert added.returncode == 0, added.stderr
    match = re.search(r"worker started \(pid (\d+), log: (.+)\)", added.stdout)
    assert match, added.stdout
    assert Path(match.group(2)) == data.resolve() / "worker.log"
    job = service.get_jobs()[0]
    wait_for(lambda: service.get_job(job.id).status is JobStatus.COMPLETED, timeout=60)
    wait_for(lambda: not pid_alive(int(match.group(1))), timeout=30)  # idle: it left
    assert Path(service.get_job(job.id).output_file).is_file()
    assert "completed:" in (data / "worker.log").read_text()


def test_a_started_worker_and_its_ffmpeg_run_at_a_lower_cpu_priority(queue, monkeypatch):
    data, _service, _out = queue
    monkeypatch.setenv("AIOM4B_WORKER_NICE", "10")  # a person asks for it
    pid = ensure_worker(data)  # as the TUI and `add` start one
    assert pid is not None
    wait_for(lambda: lock_holder(data) == pid, timeout=60)
    assert os.getpriority(os.PRIO_PROCESS, pid) >= 10  # what it starts inherits it
    wait_for(lambda: not pid_alive(pid), timeout=60)  # idle: it left
    assert re.search(r"CPU priority: nice 1\d", (data / "worker.log").read_text())


def test_pause_lets_the_running_book_finish_and_starts_no_other(
    queue, started, multi_book, tiny_book
):
    data, service, out = queue
    first = queue_aac_book(service, multi_book, out)
    second = queue_aac_book(service, tiny_book, out)
    worker = started(data, "--books", "1", "--jobs", "2", "--idle-exit", "0")
    wait_for(lambda: running_past(service, first.id, 0.01), timeout=60)
    paused = aiom4b(data, "worker", "pause")
    assert paused.returncode == 0 and "running books finish" in paused.stdout
    wait_for(lambda: service.get_job(first.id).status is JobStatus.COMPLETED, timeout=120)
    time.sleep(3)  # a worker honouring the pause claims nothing, however long one looks
    assert service.get_job(second.id).status is JobStatus.QUEUED
    assert status_json(data)["paused"] == "finish"
    assert aiom4b(data, "worker", "resume").returncode == 0
    wait_for(lambda: service.get_job(second.id).status is JobStatus.COMPLETED, timeout=60)
    assert status_json(data)["paused"] is None
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0


def test_pause_stop_running_queues_the_book_with_its_work_and_resume_finishes_it(
    queue, started, multi_book, tmp_path
):
    data, service, out = queue
    job = queue_aac_book(service, multi_book, out)
    worker = started(data, "--jobs", "2", "--idle-exit", "0")
    wait_for(
        lambda: running_past(service, job.id, 0.35) and segments_recorded(out) >= 1,
        timeout=120,
    )
    paused = aiom4b(data, "worker", "pause", "--stop-running")
    assert paused.returncode == 0, paused.stderr
    wait_for(lambda: service.get_job(job.id).status is JobStatus.QUEUED, timeout=30)
    row = service.get_job(job.id)
    assert "stopped by a pause of the queue; queued again, its work kept" in row.log
    assert leftovers(out), "the work folder is kept for the resume"
    wait_for(lambda: not ffmpeg_children(worker.pid), timeout=5)
    time.sleep(2)
    assert service.get_job(job.id).status is JobStatus.QUEUED  # paused: not claimed again
    assert aiom4b(data, "worker", "resume").returncode == 0
    wait_for(lambda: service.get_job(job.id).status is JobStatus.COMPLETED, timeout=120)
    row = service.get_job(job.id)
    assert "resuming:" in row.log, row.log
    wait_for(lambda: leftovers(out) == [], timeout=10)  # removed once the end is recorded
    stopped = aiom4b(data, "worker", "stop", "--wait", "30", timeout=60)
    assert stopped.returncode == 0 and "stopped " in stopped.stdout, stopped.stdout
    assert worker.wait(timeout=30) == 0
    assert "a stop was requested" in (tmp_path / "w.log").read_text()


def test_worker_stop_puts_the_running_book_back_keeping_its_work(queue, started, multi_book):
    data, service, out = queue
    job = queue_aac_book(service, multi_book, out)
    worker = started(data, "--jobs", "2", "--idle-exit", "0")
    wait_for(lambda: running_past(service, job.id, 0.01), timeout=60)
    stopped = aiom4b(data, "worker", "stop", "--wait", "30", timeout=60)
    assert stopped.returncode == 0 and f"stopped {this_host()}:{worker.pid}" in stopped.stdout
    assert worker.wait(timeout=30) == 0
    row = service.get_job(job.id)
    assert row.status is JobStatus.QUEUED and row.worker is None
    assert row.log.endswith("stopped with its runner; queued again, its work kept")
    assert leftovers(out)
    assert processes_mentioning(f".aiom4b-work-{job.id.hex}") == []
