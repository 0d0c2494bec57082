"""One book from its start to its recorded end, alone, on a real SQLite file with a fake
executor: how each end is written before it is announced, the work folder removed only
after a finished end, how each reason to stop ends a book, and what the executor reports;
last, failures' reasons through a QueueRunner."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import UUID

import pytest

from aiom4b_tui.queue.execute import JobRun
from aiom4b_tui.queue.ffmpeg_slots import BookPool, book_rank
from aiom4b_tui.queue.runner.active_job import StopReason
from aiom4b_tui.queue.runner.book_task import LEFT, BookRunner
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.queue.work_folders import WorkFolders
from aiom4b_tui.store.models import JobStatus
from tests.helpers.runner_fakes import FakeWork, make_runner
from tests.helpers.workers import (
    queue_jobs,
    runner_context,
    sqlite_settings_and_service,  # noqa: F401 (the fixture)
)

WORKER = "host:1"


class Executor:
    """A fake executor: logs, reports progress and its stages, then ends as told (a path,
    an error, or waiting until cancelled)."""

    def __init__(self, *, error: BaseException | None = None, wait: bool = False) -> None:
        self.error, self.wait = error, wait
        self.fail_when_cancelled: BaseException | None = None
        self.started = asyncio.Event()
        self.ranks: dict[UUID, int] = {}

    async def __call__(self, run: JobRun) -> Path:
        self.ranks[run.job.id] = book_rank.get()
        run.log("planned: 2 files")
        run.report_progress(0.5, 40.0, 3.0)
        run.note_stage("tagging")
        self.started.set()
        if self.wait:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                if self.fail_when_cancelled is not None:
                    raise self.fail_when_cancelled from None
                raise
        if self.error is not None:
            raise self.error
        return run.settings.resolved_output_dir() / f"{run.job.title}.m4b"


def _books(service, settings, executor, events=None, removed=None) -> BookRunner:
    """Books run by `executor`; their events go to `events`, removed work to `removed`."""
    events = [] if events is None else events
    ctx = runner_context(service, settings, events, worker_id=WORKER, removed=removed)
    return BookRunner(ctx, executor, BookPool(1, pin=False))


async def _start_one(books: BookRunner, service, tmp_path: Path, executor: Executor):
    """Claim a job, start it, and return its ActiveJob once `executor` runs it."""
    (job,) = queue_jobs(service, tmp_path, 1)
    books.start(service.claim_job(job.id, WORKER))
    await asyncio.wait_for(executor.started.wait(), 10)
    return books.ctx.active[job.id]


async def test_a_finished_book_is_recorded_announced_then_its_work_removed(env, tmp_path):
    settings, service = env
    events: list[RunnerEvent] = []
    executor = Executor()
    books = _books(service, settings, executor, events)
    ctx = books.ctx
    statuses_when_removed: list[JobStatus] = []
    ctx.work_folders = WorkFolders(
        settings, lambda _out, name: statuses_when_removed.append(_status(service, name))
    )
    active = await _start_one(books, service, tmp_path, executor)
    assert active.audio_done and ctx.wake.is_set()  # the next book may be claimed now
    await active.task
    row = service.get_job(active.job_id)
    output = settings.resolved_output_dir() / f"{active.title}.m4b"
    assert row.status is JobStatus.COMPLETED and row.output_file == str(output)
    assert [line.split(" ", 2)[2] for line in row.log.splitlines()] == [
        f"started by {WORKER}",
        "planned: 2 files",
        f"completed: {output}",
    ]
    assert [(e.kind, e.message) for e in events] == [
        ("status", f"started by {WORKER}"),
        ("log", "planned: 2 files"),
        ("status", f"completed: {output}"),
    ]
    assert statuses_when_removed == [JobStatus.COMPLETED]  # only once recorded
    assert ctx.active == {}


def _status(service, work_name: str) -> JobStatus:
    (job,) = [j for j in service.get_jobs() if j.id.hex == work_name]
    return job.status


async def test_a_failure_is_recorded_with_its_reason(env, tmp_path):
    settings, service = env
    events: list[RunnerEvent] = []
    executor = Executor(error=OSError(28, "No space left on device"))
    books = _books(service, settings, executor, events)
    active = await _start_one(books, service, tmp_path, executor)
    await active.task
    row = service.get_job(active.job_id)
    assert row.status is JobStatus.FAILED and row.reason == "[Errno 28] No space left on device"
    assert events[-1] == RunnerEvent.status_entered(
        active.job_id, active.title, JobStatus.FAILED, f"failed: {row.reason}"
    )
    assert active.progress.fraction == 0.5 and active.progress_dirty  # for the next beat


@pytest.mark.parametrize(
    ("reason", "requeue", "status", "last_line", "removed"),
    [
        (StopReason.CANCEL, True, JobStatus.CANCELLED, "cancelled", True),
        (StopReason.STOP, True, JobStatus.QUEUED, "stopped with its runner; queued again", False),
        (StopReason.STOP, False, JobStatus.CANCELLED, "cancelled", True),
        (StopReason.HAND_BACK, True, JobStatus.QUEUED, "stopped by a pause of the queue", False),
    ],
)
async def test_each_reason_to_stop_ends_the_book_its_way(
    env, tmp_path, reason, requeue, status, last_line, removed
):
    settings, service = env
    work_removed: list[str] = []
    executor = Executor(wait=True)
    books = _books(service, settings, executor, removed=work_removed)
    books.ctx.requeue_on_stop = requeue
    active = await _start_one(books, service, tmp_path, executor)
    books.ctx.cancel(active, reason)
    await active.task
    row = service.get_job(active.job_id)
    assert row.status is status
    assert row.log.splitlines()[-1].split(" ", 2)[2].startswith(last_line)
    assert work_removed == ([active.job_id.hex] if removed else [])


async def test_a_book_no_longer_ours_is_left_as_it_is(env, tmp_path):
    settings, service = env
    events: list[RunnerEvent] = []
    executor = Executor(wait=True)
    books = _books(service, settings, executor, events)
    active = await _start_one(books, service, tmp_path, executor)
    books.ctx.cancel(active, StopReason.LOST)
    await active.task
    assert service.get_job(active.job_id).status is JobStatus.RUNNING  # nothing written
    assert events[-1] == RunnerEvent.log_line(active.job_id, active.title, LEFT)


async def test_an_error_after_a_stop_was_asked_for_is_the_stop(env, tmp_path):
    settings, service = env
    executor = Executor(wait=True)
    books = _books(service, settings, executor)
    active = await _start_one(books, service, tmp_path, executor)
    # The terminal's Ctrl-C reached ffmpeg just before the runner's cancel: the executor
    # fails with ffmpeg's error, not with CancelledError.
    active.stop_reason = StopReason.CANCEL
    executor.fail_when_cancelled = RuntimeError("ffmpeg was killed")
    active.task.cancel()
    await active.task
    assert service.get_job(active.job_id).status is JobStatus.CANCELLED


async def test_books_are_ranked_in_claim_order_and_their_work_inherits_it(env, tmp_path):
    settings, service = env
    executor = Executor()
    books = _books(service, settings, executor)
    first, second = queue_jobs(service, tmp_path, 2)
    for job in (first, second):
        books.start(service.claim_job(job.id, WORKER))
    await asyncio.gather(*(active.task for active in list(books.ctx.active.values())))
    assert executor.ranks == {first.id: 0, second.id: 1}


async def test_stop_all_ends_every_book(env, tmp_path):
    settings, service = env
    executor = Executor(wait=True)
    books = _books(service, settings, executor)
    jobs = queue_jobs(service, tmp_path, 2)
    for job in jobs:
        books.start(service.claim_job(job.id, WORKER))
    await asyncio.wait_for(executor.started.wait(), 10)
    await books.stop_all()
    assert [service.get_job(job.id).status for job in jobs] == [JobStatus.QUEUED] * 2


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
