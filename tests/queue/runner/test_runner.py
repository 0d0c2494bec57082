"""QueueRunner against a real SQLite file, with a fake executor in place of ffmpeg: every
job run, books at once, each status in the database when announced, stop, run_job. What
its parts do through it is in their own files (test_beat, test_book_task, ...)."""

from __future__ import annotations

import asyncio

import pytest

from aiom4b_tui.queue.runner.runner import RunnerEvent
from aiom4b_tui.store.models import JobStatus
from tests.helpers.runner_fakes import FakeWork, make_runner, until
from tests.helpers.workers import (
    queue_jobs,
    raw_row,
    sqlite_settings_and_service,  # noqa: F401 (the fixture)
)


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


async def test_run_job_runs_only_that_job(env, tmp_path):
    settings, service = env
    first, second = queue_jobs(service, tmp_path, 2)
    ended = await make_runner(settings, service, FakeWork()).run_job(second.id)
    assert ended.status is JobStatus.COMPLETED
    assert service.get_job(first.id).status is JobStatus.QUEUED
    assert await make_runner(settings, service, FakeWork()).run_job(second.id) is None
