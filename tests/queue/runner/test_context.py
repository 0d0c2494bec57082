"""What the runner's parts share: events go to the callback (whose failure is logged, not
raised), a book's task is cancelled once with its first reason, titles of running books."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from uuid import UUID

import pytest

from aiom4b_tui.queue.runner.active_job import ActiveJob, StopReason
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.store.models import JobDB
from tests.helpers.workers import open_service, runner_context

EVENT = RunnerEvent.log_line(UUID(int=1), "Dune", "hello")


@pytest.fixture
def events() -> list[RunnerEvent]:
    return []


@pytest.fixture
def ctx(tmp_path: Path, events: list[RunnerEvent]):
    settings, db, service = open_service(tmp_path / "data")
    yield runner_context(service, settings, events)
    db.close()


def _active(n: int, task: asyncio.Task[None] | None = None) -> ActiveJob:
    return ActiveJob(UUID(int=n), f"Book {n}", JobDB(input_folders="[]"), task=task)


async def _sleeping() -> asyncio.Task[None]:
    task = asyncio.create_task(asyncio.sleep(3600))
    await asyncio.sleep(0)  # started
    return task


def test_events_reach_the_callback_and_a_failing_one_is_only_logged(ctx, events, caplog):
    ctx.emit(EVENT)
    assert events == [EVENT]

    def failing(_event: RunnerEvent) -> None:
        raise RuntimeError("the screen is gone")

    ctx.on_event = failing
    with caplog.at_level(logging.ERROR):
        ctx.emit(EVENT)  # does not raise into the runner
    assert "an on_event callback failed" in caplog.text
    ctx.on_event = None
    ctx.emit(EVENT)  # nobody listens: nothing happens


async def test_the_first_reason_given_decides_how_the_book_ends(ctx):
    active = _active(1, await _sleeping())
    ctx.cancel(active, StopReason.CANCEL)
    ctx.cancel(active, StopReason.STOP)
    assert active.stop_reason is StopReason.CANCEL
    with pytest.raises(asyncio.CancelledError):
        await active.task


async def test_a_book_recording_its_end_or_done_is_not_cancelled(ctx):
    finishing = _active(1, await _sleeping())
    finishing.finishing = True
    ctx.cancel(finishing, StopReason.STOP)
    assert finishing.stop_reason is None and not finishing.task.cancelled()
    finishing.task.cancel()
    no_task = _active(2)
    ctx.cancel(no_task, StopReason.STOP)
    assert no_task.stop_reason is None


async def test_cancel_all_reaches_every_running_book_and_titles_are_known(ctx):
    books = [_active(n, await _sleeping()) for n in (1, 2)]
    ctx.active = {book.job_id: book for book in books}
    assert ctx.title_of(UUID(int=2)) == "Book 2" and ctx.title_of(UUID(int=9)) == ""
    ctx.cancel_all(StopReason.HAND_BACK)
    await asyncio.gather(*(book.task for book in books), return_exceptions=True)
    assert all(b.task.cancelled() and b.stop_reason is StopReason.HAND_BACK for b in books)
