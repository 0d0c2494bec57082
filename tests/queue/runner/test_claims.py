"""The claim loop: a book whose audio is made frees its slot for the next book (claimed
and scanned while the first is muxed and checked), within twice `books` at once; an idle
runner polls with one cheap read."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiom4b_tui.queue.execute import JobRun
from aiom4b_tui.queue.runner.runner import QueueRunner
from aiom4b_tui.store.models import JobStatus
from tests.helpers.runner_fakes import FakeWork, make_runner, until
from tests.helpers.workers import (
    queue_jobs,
    sqlite_settings_and_service,  # noqa: F401 (the fixture)
)


class TailWork:
    """Reports its audio made at once, then waits in its tail until `release` is set."""

    def __init__(self, timeline: list[str] | None = None) -> None:
        self.timeline = timeline if timeline is not None else []
        self.started: list[str] = []
        self.running = 0
        self.most_at_once = 0
        self.release = asyncio.Event()
        self.second_started = asyncio.Event()

    async def __call__(self, run: JobRun) -> Path:
        self.started.append(run.job.title or "")
        if len(self.started) == 2:
            self.second_started.set()
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            assert run.note_stage is not None
            run.note_stage("encoding")
            await asyncio.sleep(0.01)
            run.note_stage("tagging")
            self.timeline.append("tail")
            await self.release.wait()
            return run.settings.resolved_output_dir() / f"{run.job.title}.m4b"
        finally:
            self.running -= 1


def tail_runner(settings, service, work, books: int) -> QueueRunner:
    return QueueRunner(
        service,
        settings,
        books=books,
        execute=work,
        remove_work=lambda o, n: None,
        poll_interval=5.0,  # the claim must come from the stage, not from a poll
    )


async def test_the_next_book_is_claimed_while_the_first_is_in_its_tail(env, tmp_path):
    settings, service = env
    jobs = queue_jobs(service, tmp_path, 2)
    work = TailWork()
    runner = tail_runner(settings, service, work, books=1)
    task = asyncio.create_task(runner.run(once=True))
    await asyncio.wait_for(work.second_started.wait(), 10)
    first = service.get_job(jobs[0].id)
    assert first.status is JobStatus.RUNNING  # still in its tail
    work.release.set()
    await asyncio.wait_for(task, 10)
    assert all(service.get_job(j.id).status is JobStatus.COMPLETED for j in jobs)


async def test_books_in_their_tail_are_bounded_by_twice_books(env, tmp_path):
    settings, service = env
    queue_jobs(service, tmp_path, 6)
    # What the runner did, in order: its idle polls before a claim, its claims, its looks
    # at the running rows, and each book reaching its tail.
    timeline: list[str] = []
    for name, event in (("any_claimable", "poll"), ("claim_next", "claim")):
        setattr(service, name, _noted(getattr(service, name), timeline, event))
    service.running_states = _noted(service.running_states, timeline, "rows")
    work = TailWork(timeline)
    runner = tail_runner(settings, service, work, books=2)
    task = asyncio.create_task(runner.run(once=True))
    # The moment a fifth claim would come has passed once, after the fourth book reached
    # its tail, the runner went round: a poll for queued jobs, then a look at its rows.
    await asyncio.wait_for(_went_round_after(timeline, "tail", 4), 10)
    assert work.running == 4 and len(work.started) == 4
    assert timeline.count("claim") == 4, timeline
    work.release.set()
    await asyncio.wait_for(task, 10)
    assert work.most_at_once == 4
    assert service.count_by_status()[JobStatus.COMPLETED] == 6


def _noted(call, timeline: list[str], event: str):
    """`call`, noting `event` in `timeline` each time it is made."""

    def noted(*args, **kwargs):
        timeline.append(event)
        return call(*args, **kwargs)

    return noted


async def _went_round_after(timeline: list[str], event: str, times: int) -> None:
    """Until, after the `times`th `event`, the runner polled the queue and then its rows."""
    while True:
        marks = [i for i, seen in enumerate(timeline) if seen == event]
        after = timeline[marks[times - 1] + 1 :] if len(marks) >= times else []
        if "poll" in after and "rows" in after[after.index("poll") + 1 :]:
            return
        await asyncio.sleep(0.01)


async def test_a_book_that_tells_no_stage_holds_its_slot_to_its_end(env, tmp_path):
    settings, service = env
    queue_jobs(service, tmp_path, 3)
    running = 0
    most = 0

    async def quiet(run: JobRun) -> Path:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.05)
        running -= 1
        return run.settings.resolved_output_dir() / "x.m4b"

    await tail_runner(settings, service, quiet, books=1).run(once=True)
    assert most == 1


async def test_an_idle_runner_polls_without_counting_the_table(env, tmp_path):
    settings, service = env
    polls: list[str] = []
    counted: list[str] = []  # a raise inside the runner would only be logged: noted instead
    real_poll = service.any_claimable

    def counted_poll(*args, **kwargs):
        polls.append("poll")
        return real_poll(*args, **kwargs)

    service.any_claimable = counted_poll
    service.count_by_status = lambda: counted.append("the idle poll counted the jobs table")
    work = FakeWork()
    runner = make_runner(settings, service, work, poll_interval=0.05)
    task = asyncio.create_task(runner.run())
    await until(lambda: len(polls) >= 3)
    (job,) = queue_jobs(service, tmp_path, 1)  # seen by the next poll, then run
    runner.wake()
    await until(lambda: service.get_job(job.id).status is JobStatus.COMPLETED)
    idle_again = len(polls)
    await until(lambda: len(polls) >= idle_again + 3)  # idle again after it
    await runner.stop()
    await asyncio.wait_for(task, timeout=30)
    assert counted == []
    assert work.runs == [job.title]
