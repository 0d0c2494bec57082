"""QueueRunner against a real SQLite file, with a fake executor in place of ffmpeg."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from aiom4b_tui.queue.control.worker_id import this_host
from aiom4b_tui.queue.execute import JobRun
from aiom4b_tui.queue.runner.runner import QueueRunner, RunnerEvent
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobStatus, JobUpdate, utcnow
from tests.helpers.workers import open_service, queue_jobs, raw_row


class FakeWork:
    """Pretends to convert: `steps` steps of `step` seconds, progress and a log line each."""

    def __init__(self, steps: int = 3, step: float = 0.05, error: Exception | None = None):
        self.steps, self.step, self.error = steps, step, error
        self.running = 0
        self.most_at_once = 0
        self.cancelled = 0
        self.runs: list[str] = []

    async def __call__(self, run: JobRun) -> Path:
        self.runs.append(run.job.title or "")
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            for i in range(self.steps):
                await asyncio.sleep(self.step)
                run.report_progress((i + 1) / self.steps, 50.0, 1.0)
                run.log(f"step {i + 1}")
            if self.error is not None:
                raise self.error
            return run.settings.resolved_output_dir() / f"{run.job.title}.m4b"
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.running -= 1


@pytest.fixture
def env(tmp_path: Path):
    settings, db, service = open_service(tmp_path / "data")
    yield settings, service
    db.close()


def make_runner(settings, service, work, **kwargs) -> QueueRunner:
    kwargs.setdefault("poll_interval", 0.1)
    return QueueRunner(service, settings, execute=work, remove_work=lambda o, n: None, **kwargs)


async def until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(condition):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_runs_every_queued_job_to_completed(env, tmp_path):
    settings, service = env
    jobs = queue_jobs(service, tmp_path, 3)
    work = FakeWork()
    await make_runner(settings, service, work).run(once=True)
    for job in jobs:
        row = service.get_job(job.id)
        assert row.status is JobStatus.COMPLETED
        assert row.progress == 1.0 and row.end_time and row.start_time
        assert row.output_file == str(settings.resolved_output_dir() / f"{job.title}.m4b")
        assert "started by" in row.log and "step 3" in row.log and "completed:" in row.log
    assert sorted(work.runs) == sorted(j.title for j in jobs)


async def test_runs_at_most_books_at_once(env, tmp_path):
    settings, service = env
    queue_jobs(service, tmp_path, 5)
    work = FakeWork(steps=4)
    await make_runner(settings, service, work, books=2).run(once=True)
    assert work.most_at_once == 2
    assert service.count_by_status()[JobStatus.COMPLETED] == 5


async def test_every_status_change_is_in_the_database_when_announced(env, tmp_path):
    settings, service = env
    ok, bad = queue_jobs(service, tmp_path, 2)
    seen: list[tuple[str, str]] = []
    progress_checked: list[float] = []
    mismatches: list[str] = []  # the runner logs a failing callback: assert after run()

    def check(event: RunnerEvent) -> None:
        row = raw_row(settings.data_dir, event.job_id)  # a second, plain connection
        if event.kind == "status":
            if row["status"] != event.status.value:
                mismatches.append(f"{event}: the row says {row['status']}")
            seen.append((row["title"], row["status"]))
        elif event.kind == "progress":
            progress_checked.append(event.progress)
            if row["progress"] != pytest.approx(event.progress):
                mismatches.append(f"{event}: the row says {row['progress']}")

    class OneFails(FakeWork):
        async def __call__(self, run):
            failing = run.job.id == bad.id
            self.error = OSError(28, "No space left on device") if failing else None
            self.steps = 3 if failing else 30  # the good one runs long enough for a beat
            return await super().__call__(run)

    await make_runner(settings, service, OneFails(), books=1, on_event=check).run(once=True)
    assert mismatches == []
    assert progress_checked, "no progress was announced: the check above never ran"
    assert seen == [
        (ok.title, "running"),
        (ok.title, "completed"),
        (bad.title, "running"),
        (bad.title, "failed"),
    ]


async def test_an_expected_failure_gives_a_one_line_reason(env, tmp_path):
    settings, service = env
    (job,) = queue_jobs(service, tmp_path, 1)
    await make_runner(settings, service, FakeWork(error=OSError(28, "No space"))).run(once=True)
    row = service.get_job(job.id)
    assert row.status is JobStatus.FAILED
    assert row.log.splitlines()[-1].endswith("failed: [Errno 28] No space")
    assert "Traceback" not in row.log


async def test_a_bug_fails_the_job_with_the_traceback_tail(env, tmp_path):
    settings, service = env
    (job,) = queue_jobs(service, tmp_path, 1)
    await make_runner(settings, service, FakeWork(error=KeyError("tracks"))).run(once=True)
    row = service.get_job(job.id)
    assert row.status is JobStatus.FAILED
    assert "failed: internal error: KeyError: 'tracks'" in row.log
    assert "raise self.error" in row.log


async def test_cancel_from_another_connection_is_honoured_at_the_next_poll(env, tmp_path):
    settings, service = env
    (job,) = queue_jobs(service, tmp_path, 1)
    # What happened, in order: each poll of the rows (did it see the cancel?), and the
    # book's task cancelled. Order, not time: a loaded machine stretches the time.
    timeline: list[str] = []
    read_states = service.running_states

    def noted_states(job_ids):
        states = read_states(job_ids)
        asked = any(state.cancel_requested for state in states.values())
        timeline.append("poll saw the cancel" if asked else "poll")
        return states

    class NotedWork(FakeWork):
        async def __call__(self, run):
            try:
                return await super().__call__(run)
            except asyncio.CancelledError:
                timeline.append("task cancelled")
                raise

    service.running_states = noted_states
    work = NotedWork(steps=1000, step=0.05)
    runner = make_runner(settings, service, work, poll_interval=0.5)  # as in production
    task = asyncio.create_task(runner.run())
    await until(lambda: service.get_job(job.id).status is JobStatus.RUNNING)
    other_db = open_database(settings.data_dir)  # as `aiom4b cancel` in another process
    try:
        await asyncio.to_thread(JobService(other_db).request_cancel, job.id)
    finally:
        other_db.close()
    await until(lambda: service.get_job(job.id).status is JobStatus.CANCELLED)
    # The first poll that saw the request cancelled the book: no poll came between.
    first_seen = timeline.index("poll saw the cancel")
    assert timeline[first_seen + 1] == "task cancelled", timeline
    # Wall time is asserted with real processes in tests/queue/test_worker_processes.py.
    # The status is committed before the job's task leaves running_job_ids.
    await until(lambda: runner.running_job_ids == set())
    assert work.cancelled == 1
    await runner.stop()
    await task
    row = service.get_job(job.id)
    assert row.status is JobStatus.CANCELLED and not row.cancel_requested
    assert "cancel requested" in row.log and row.log.endswith("cancelled")


@pytest.mark.parametrize(("requeue", "status"), [(True, "queued"), (False, "cancelled")])
async def test_stop_hands_running_jobs_back_or_cancels_them(env, tmp_path, requeue, status):
    settings, service = env
    (job,) = queue_jobs(service, tmp_path, 1)
    work = FakeWork(steps=1000)
    runner = make_runner(settings, service, work)
    task = asyncio.create_task(runner.run())
    await until(lambda: work.running == 1)  # inside the executor, not only claimed
    await runner.stop(requeue=requeue)
    await asyncio.wait_for(task, 5)
    row = service.get_job(job.id)
    assert row.status.value == status and work.cancelled == 1
    assert row.worker is None if requeue else row.end_time is not None


async def test_a_job_taken_away_is_left_alone(env, tmp_path):
    settings, service = env
    (job,) = queue_jobs(service, tmp_path, 1)
    work = FakeWork(steps=1000)
    runner = make_runner(settings, service, work)
    task = asyncio.create_task(runner.run())
    await until(lambda: service.get_job(job.id).status is JobStatus.RUNNING)
    service.delete_job(job.id)
    await until(lambda: work.cancelled == 1)
    await runner.stop()
    await task
    assert service.get_job(job.id) is None


async def test_progress_is_written_at_most_once_a_second(env, tmp_path):
    settings, service = env
    queue_jobs(service, tmp_path, 1)
    writes: list[float] = []

    def on_event(event: RunnerEvent) -> None:
        if event.kind == "progress":
            writes.append(time.monotonic())

    work = FakeWork(steps=125, step=0.02)  # 2.5 s or more, a report every 20 ms
    started = time.monotonic()
    await make_runner(settings, service, work, on_event=on_event).run(once=True)
    elapsed = time.monotonic() - started
    # At most one write per second of the run (a loaded machine stretches the run).
    assert 2 <= len(writes) <= int(elapsed) + 1
    assert all(b - a >= 0.99 for a, b in itertools.pairwise(writes))


async def test_run_job_runs_only_that_job(env, tmp_path):
    settings, service = env
    first, second = queue_jobs(service, tmp_path, 2)
    ended = await make_runner(settings, service, FakeWork()).run_job(second.id)
    assert ended.status is JobStatus.COMPLETED
    assert service.get_job(first.id).status is JobStatus.QUEUED
    assert await make_runner(settings, service, FakeWork()).run_job(second.id) is None


async def test_start_recovers_a_dead_workers_job_and_clears_old_ones(env, tmp_path):
    settings, service = env
    orphan, old = queue_jobs(service, tmp_path, 2)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    service.claim_next(f"{this_host()}:{child.pid}")  # a worker that died mid-job
    service.claim_next("host:1")
    long_ago = utcnow() - timedelta(days=settings.days_kept + 1)
    service.finish_running(old.id, "host:1", JobStatus.COMPLETED, ["done"])
    service.update_job(old.id, JobUpdate(end_time=long_ago))
    removed = []
    runner = QueueRunner(
        service,
        settings,
        execute=FakeWork(),
        remove_work=lambda out, name: removed.append(name),
        poll_interval=0.1,
    )
    await runner.run(once=True)
    row = service.get_job(orphan.id)
    assert row.status is JobStatus.COMPLETED
    assert f"recovered: worker {this_host()}:{child.pid} was gone" in row.log
    assert removed == [orphan.id.hex]  # once it completed, not at its recovery
    assert service.get_job(old.id) is None


async def test_an_idle_runner_polls_without_counting_the_table(env, tmp_path):
    settings, service = env
    polls: list[str] = []
    real_poll = service.any_claimable

    def counted_poll(*args, **kwargs):
        polls.append("poll")
        return real_poll(*args, **kwargs)

    def no_count():
        raise AssertionError("the idle poll counted the jobs table")

    service.any_claimable = counted_poll
    service.count_by_status = no_count
    work = FakeWork()
    runner = make_runner(settings, service, work, poll_interval=0.05)
    task = asyncio.create_task(runner.run(idle_exit=5))
    await until(lambda: len(polls) >= 3)
    (job,) = queue_jobs(service, tmp_path, 1)  # seen by the next poll, then run
    runner.wake()
    await asyncio.wait_for(task, timeout=30)  # idle again after it: exits
    assert service.get_job(job.id).status is JobStatus.COMPLETED
    assert work.runs == [job.title]
