"""Leases on the runner's side: a runner that cannot renew its lease stops its books and,
once its database answers again, hands them back to the queue (SQLite file, fake work)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from aiom4b_tui.queue.execute import JobRun
from aiom4b_tui.queue.runner.lease import LeaseGuard
from aiom4b_tui.queue.runner.runner import QueueRunner
from aiom4b_tui.store.models import JobStatus
from tests.helpers.workers import open_service, queue_jobs


def test_lease_guard_counts_silence_and_remembers_fenced_books():
    now = [0.0]
    guard = LeaseGuard(10, clock=lambda: now[0])
    now[0] = 7.9
    assert not guard.lost()
    now[0] = 8.0
    assert guard.lost()
    guard.renewed()
    assert not guard.lost() and guard.silent_for() == 0
    guard.fence(["a", "b"])  # type: ignore[list-item]
    assert guard.to_hand_back(["a"]) == ["b"]


async def test_a_runner_that_cannot_renew_stops_its_book_and_hands_it_back(tmp_path: Path):
    settings, db, service = open_service(tmp_path / "data", lease_seconds=2)
    (job,) = queue_jobs(service, tmp_path, 1)
    down = True
    real_heartbeat = service.heartbeat

    def heartbeat(*args, **kwargs):
        if down:
            raise OSError("database unreachable")
        return real_heartbeat(*args, **kwargs)

    service.heartbeat = heartbeat  # type: ignore[method-assign]
    stopped = asyncio.Event()

    async def endless(run: JobRun) -> Path:
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()
        raise AssertionError("not reached")

    runner = QueueRunner(
        service, settings, execute=endless, remove_work=lambda o, n: None, poll_interval=0.1
    )
    task = asyncio.create_task(runner.run())
    try:
        started = time.monotonic()
        await asyncio.wait_for(stopped.wait(), timeout=30)
        assert time.monotonic() - started >= 1.5  # 80 % of the 2 s lease, not before
        assert service.get_job(job.id).status is JobStatus.RUNNING  # nothing written yet
        down = False
        runner.pause()  # so the handed-back book is not claimed again at once

        async def handed_back() -> None:
            while service.get_job(job.id).status is not JobStatus.QUEUED:
                await asyncio.sleep(0.05)

        await asyncio.wait_for(handed_back(), timeout=30)
        row = service.get_job(job.id)
        assert "could not renew its lease; queued again, its work kept" in row.log
        assert row.worker is None
    finally:
        await runner.stop()
        await task
        db.close()
