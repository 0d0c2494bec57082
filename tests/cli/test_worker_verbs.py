"""`aiom4b worker` as its clients see it, with the real ffmpeg and SQLite: the lock and
--auto, idle exit, `add` starting a worker, its CPU priority and its encoders', and
status/pause/resume/stop from the CLI against a worker converting a real book."""

from __future__ import annotations

import json
import os
import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from aiom4b_tui.queue.control.lock import lock_holder
from aiom4b_tui.queue.control.spawn import ensure_worker
from aiom4b_tui.queue.control.worker_id import pid_alive, this_host
from aiom4b_tui.queue.worker import BEAT_INTERVAL
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobStatus
from aiom4b_tui.store.workers import WorkerRegistry
from tests.helpers.cli import run_aiom4b
from tests.helpers.workers import (
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

# Seconds multi_book may take to finish on a loaded machine (2 cores shared with other
# encodes measured 120 s and more); a bound against a hang, not a speed requirement.
BOOK_BOUND = 240


@pytest.fixture(scope="module")
def multi_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten minutes of audio: several segments on two ffmpeg processes, long enough to be
    still converting when a `pause` started from another process (slow under load) acts."""
    return make_book(tmp_path_factory.mktemp("multi") / "Multi Book", files=8, seconds=75)


def status_json(data: Path) -> dict:
    result = run_aiom4b("worker", "status", "--json", data_dir=data)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_auto_worker_leaves_when_one_runs_a_hand_started_one_runs(queue, started, tmp_path):
    data, _service, _out = queue
    first = started(data, "--idle-exit", "0", log="a.log")
    wait_for(lambda: lock_holder(data) == first.pid, timeout=30)
    auto = run_aiom4b("worker", "--auto", timeout=30, data_dir=data)
    assert auto.returncode == 0 and auto.stdout == "" and auto.stderr == ""
    second = started(data, "--idle-exit", "0", log="b.log")
    both = wait_for(lambda: (s := status_json(data)) and len(s["workers"]) == 2 and s, timeout=30)
    assert {w["pid"] for w in both["workers"]} == {first.pid, second.pid}
    assert both["lock_holder"] == first.pid and both["paused"] is None
    assert both["log"] == str(data.resolve() / "worker.log")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", w["since"]) for w in both["workers"])
    said = (tmp_path / "b.log").read_text()
    assert f"a worker already runs for this data dir (pid {first.pid}); starting another" in said
    one = run_aiom4b("worker", "stop", data_dir=data)
    assert one.returncode == 2 and "--all" in one.stderr  # two run: which one?
    stopped = run_aiom4b("worker", "stop", "--all", "--wait", "30", timeout=60, data_dir=data)
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
    added = run_aiom4b("add", tiny_book, "--output-dir", out, data_dir=data)
    assert added.returncode == 0, added.stderr
    match = re.search(r"worker started \(pid (\d+), log: (.+)\)", added.stdout)
    assert match, added.stdout
    assert Path(match.group(2)) == data.resolve() / "worker.log"
    job = service.get_jobs()[0]
    wait_for(lambda: service.get_job(job.id).status is JobStatus.COMPLETED, timeout=60)
    wait_for(lambda: not pid_alive(int(match.group(1))), timeout=30)  # idle: it left
    assert Path(service.get_job(job.id).output_file).is_file()
    assert "completed:" in (data / "worker.log").read_text()


def _encoder_scheduling(pid: int, job: UUID) -> list[tuple[int, int]]:
    """The nice value and scheduling policy (fields 19 and 41 of /proc/PID/stat) of each
    ffmpeg child of `pid` encoding `job` (writing into its work folder): not the quick
    probes (`ffmpeg -version`, `-encoders`), which run as the worker does."""
    found = []
    for child in ffmpeg_children(pid):
        try:
            if (
                f".aiom4b-work-{job.hex}".encode()
                not in Path(f"/proc/{child}/cmdline").read_bytes()
            ):
                continue
            fields = Path(f"/proc/{child}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # it has ended
        found.append((int(fields[19 - 3]), int(fields[41 - 3])))
    return found


def test_a_started_worker_and_its_ffmpeg_run_at_a_lower_cpu_priority(
    queue, multi_book, monkeypatch
):
    data, service, out = queue
    monkeypatch.setenv("AIOM4B_WORKER_NICE", "10")  # a person asks for it
    job = queue_aac_book(service, multi_book, out)
    pid = ensure_worker(data)  # as the TUI and `add` start one
    assert pid is not None
    wait_for(lambda: lock_holder(data) == pid, timeout=60)
    assert os.getpriority(os.PRIO_PROCESS, pid) >= 10
    encoders = wait_for(lambda: _encoder_scheduling(pid, job.id), timeout=60)
    for nice, policy in encoders:  # each encoder's own: inherited, and set as it started
        assert nice >= 10
        assert policy == os.SCHED_IDLE  # encoder_priority "background", the default
    stopped = run_aiom4b("worker", "stop", "--wait", "30", timeout=60, data_dir=data)
    assert stopped.returncode == 0, stopped.stderr
    wait_for(lambda: not pid_alive(pid), timeout=60)
    said = (data / "worker.log").read_text()
    assert re.search(r"CPU priority: nice 1\d", said)
    assert "encoders run in the background" in said


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def beaten_a_beat_after(service: JobService, moment: datetime) -> bool:
    """True once the worker's heartbeat is a whole beat interval past `moment` (both the
    worker's own clock): its claim loop, which looks at the queue every half second in
    the same event loop, has had several looks since `moment`."""
    since = _naive_utc(moment) + timedelta(seconds=BEAT_INTERVAL)
    beats = [_naive_utc(w.heartbeat) for w in WorkerRegistry(service.db).live_workers()]
    return any(beat >= since for beat in beats)


def test_pause_lets_the_running_book_finish_and_starts_no_other(
    queue, started, multi_book, tiny_book
):
    data, service, out = queue
    first = queue_aac_book(service, multi_book, out)
    second = queue_aac_book(service, tiny_book, out)
    worker = started(data, "--books", "1", "--jobs", "2", "--idle-exit", "0")
    wait_for(lambda: running_past(service, first.id, 0.01), timeout=60)
    paused = run_aiom4b("worker", "pause", data_dir=data)
    assert paused.returncode == 0 and "running books finish" in paused.stdout
    wait_for(lambda: service.get_job(first.id).status is JobStatus.COMPLETED, timeout=BOOK_BOUND)
    ended = service.get_job(first.id).end_time
    assert ended is not None
    # a worker honouring the pause claims nothing, however often it has looked since
    wait_for(lambda: beaten_a_beat_after(service, ended), timeout=60)
    assert service.get_job(second.id).status is JobStatus.QUEUED
    assert status_json(data)["paused"] == "finish"
    assert run_aiom4b("worker", "resume", data_dir=data).returncode == 0
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
    paused = run_aiom4b("worker", "pause", "--stop-running", data_dir=data)
    assert paused.returncode == 0, paused.stderr
    wait_for(lambda: service.get_job(job.id).status is JobStatus.QUEUED, timeout=30)
    row = service.get_job(job.id)
    assert "stopped by a pause of the queue; queued again, its work kept" in row.log
    assert leftovers(out), "the work folder is kept for the resume"
    wait_for(lambda: not ffmpeg_children(worker.pid), timeout=5)
    queued_again = service.get_job(job.id).updated_at
    wait_for(lambda: beaten_a_beat_after(service, queued_again), timeout=60)
    assert service.get_job(job.id).status is JobStatus.QUEUED  # paused: not claimed again
    assert run_aiom4b("worker", "resume", data_dir=data).returncode == 0
    wait_for(lambda: service.get_job(job.id).status is JobStatus.COMPLETED, timeout=BOOK_BOUND)
    row = service.get_job(job.id)
    assert "resuming:" in row.log, row.log
    wait_for(lambda: leftovers(out) == [], timeout=10)  # removed once the end is recorded
    stopped = run_aiom4b("worker", "stop", "--wait", "30", timeout=60, data_dir=data)
    assert stopped.returncode == 0 and "stopped " in stopped.stdout, stopped.stdout
    assert worker.wait(timeout=30) == 0
    assert "a stop was requested" in (tmp_path / "w.log").read_text()


def test_worker_stop_puts_the_running_book_back_keeping_its_work(queue, started, multi_book):
    data, service, out = queue
    job = queue_aac_book(service, multi_book, out)
    worker = started(data, "--jobs", "2", "--idle-exit", "0")
    wait_for(lambda: running_past(service, job.id, 0.01), timeout=60)
    stopped = run_aiom4b("worker", "stop", "--wait", "30", timeout=60, data_dir=data)
    assert stopped.returncode == 0 and f"stopped {this_host()}:{worker.pid}" in stopped.stdout
    assert worker.wait(timeout=30) == 0
    row = service.get_job(job.id)
    assert row.status is JobStatus.QUEUED and row.worker is None
    assert row.log.endswith("stopped with its runner; queued again, its work kept")
    assert leftovers(out)
    assert processes_mentioning(f".aiom4b-work-{job.id.hex}") == []
