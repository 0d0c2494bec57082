"""The runner's periodic look at its books' rows, alone, on a real SQLite file: cancels
asked for and jobs taken away stop their books, progress and heartbeats are written at
most once an interval, log lines are flushed, and a lost lease stops the books and hands
them back. The last tests drive it through a QueueRunner with a fake executor."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import pytest

from aiom4b_tui.queue.runner.active_job import ActiveJob, StopReason
from aiom4b_tui.queue.runner.beat import HANDED_BACK, RunnerBeat
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.queue.runner.lease import LeaseGuard
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService, ProgressReport
from aiom4b_tui.store.models import JobStatus
from tests.helpers.runner_fakes import FakeWork, make_runner, until
from tests.helpers.workers import open_service, queue_jobs, runner_context

WORKER = "host:1"


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def env(tmp_path: Path):
    settings, db, service = open_service(tmp_path / "data", lease_seconds=10)
    yield settings, service
    db.close()


async def _running(ctx, tmp_path: Path, count: int) -> list[ActiveJob]:
    """`count` jobs claimed by this runner, each a book whose task waits to be cancelled."""
    books = []
    for job in queue_jobs(ctx.service, tmp_path, count):
        claimed = ctx.service.claim_job(job.id, WORKER)
        book = ActiveJob(job.id, job.title, claimed)
        book.task = asyncio.create_task(asyncio.sleep(3600))
        ctx.active[job.id] = book
        books.append(book)
    await asyncio.sleep(0)
    return books


async def _stopped(books: list[ActiveJob]) -> None:
    for book in books:
        book.task.cancel()
    await asyncio.gather(*(book.task for book in books), return_exceptions=True)


async def test_a_cancel_asked_for_or_a_job_taken_away_stops_its_book(env, tmp_path):
    settings, service = env
    ctx = runner_context(service, settings, [])
    asked, deleted, taken, untouched = books = await _running(ctx, tmp_path, 4)
    service.request_cancel(asked.job_id)
    service.delete_job(deleted.job_id)
    service.finish_running(taken.job_id, WORKER, JobStatus.QUEUED, ["handed back"])
    service.claim_job(taken.job_id, "host:2")
    await RunnerBeat(ctx).tick()
    assert asked.stop_reason is StopReason.CANCEL
    assert deleted.stop_reason is StopReason.LOST and taken.stop_reason is StopReason.LOST
    assert untouched.stop_reason is None and not untouched.task.cancelling()
    await _stopped(books)


async def test_progress_and_heartbeats_are_written_at_most_once_an_interval(env, tmp_path):
    settings, service = env
    events: list[RunnerEvent] = []
    clock = Clock()
    lease = LeaseGuard(settings.lease_seconds, clock=clock)
    ctx = runner_context(service, settings, events, lease=lease)
    (book,) = books = await _running(ctx, tmp_path, 1)
    beat = RunnerBeat(ctx, progress_interval=60)
    clock.now += 5
    book.progress, book.progress_dirty = ProgressReport(0.5, 40.0, 12.0), True
    await beat.tick()
    row = service.get_job(book.job_id)
    assert (row.progress, row.speed, row.eta_seconds) == (0.5, 40.0, 12.0)
    assert lease.silent_for() == 0  # the heartbeat renewed it
    assert events == [RunnerEvent.progress_made(book.job_id, book.title, book.progress)]
    book.progress, book.progress_dirty = ProgressReport(0.75), True
    await beat.tick()  # within the interval: nothing written
    assert service.get_job(book.job_id).progress == 0.5 and len(events) == 1
    beat.progress_interval = 0
    await beat.tick()
    assert service.get_job(book.job_id).progress == 0.75 and len(events) == 2
    await _stopped(books)


async def test_pending_log_lines_are_written_then_announced(env, tmp_path):
    settings, service = env
    events: list[RunnerEvent] = []
    ctx = runner_context(service, settings, events)
    writing, ending = books = await _running(ctx, tmp_path, 2)
    writing.pending_log.extend(["resuming: 3 segments kept", "encoding"])
    ending.pending_log.append("taken by its end")
    ending.finishing = True  # its end writes its lines with its status
    await RunnerBeat(ctx).tick()
    log = service.get_job(writing.job_id).log
    written = [line.split(" ", 2)[2] for line in log.splitlines()]
    assert written[-2:] == ["resuming: 3 segments kept", "encoding"]
    assert writing.pending_log == []
    announced = [event.message for event in events if event.kind == "log"]
    assert announced == ["resuming: 3 segments kept", "encoding"]
    assert ending.pending_log == ["taken by its end"]
    assert "taken by its end" not in (service.get_job(ending.job_id).log or "")
    await _stopped(books)


async def test_a_lost_lease_stops_the_books_and_hands_them_back_after(env, tmp_path):
    settings, service = env
    clock = Clock()
    lease = LeaseGuard(settings.lease_seconds, clock=clock)
    ctx = runner_context(service, settings, [], lease=lease)
    books = await _running(ctx, tmp_path, 2)
    beat = RunnerBeat(ctx, progress_interval=3600)  # no heartbeat renews the lease here
    clock.now += 0.8 * settings.lease_seconds  # silent for most of the lease
    await beat.tick()
    assert all(book.stop_reason is StopReason.LOST for book in books)
    assert lease.fenced == {book.job_id for book in books}
    assert all(service.get_job(b.job_id).status is JobStatus.RUNNING for b in books)
    await asyncio.gather(*(book.task for book in books), return_exceptions=True)
    ctx.active.clear()  # the books' tasks have ended
    await beat.tick()
    for book in books:
        row = service.get_job(book.job_id)
        assert row.status is JobStatus.QUEUED and row.log.endswith(HANDED_BACK)
    assert lease.fenced == set()


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
