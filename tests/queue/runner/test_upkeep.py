"""The runner's upkeep, alone, on a real SQLite file: at its start old finished jobs are
cleared and dead workers' jobs recovered; recovery comes round again within half a lease;
what was recovered is announced with its last log line; and a QueueRunner's start."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from aiom4b_tui.queue.control.worker_id import this_host
from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.queue.recovery import OrphanRecovery, OrphanRules
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.queue.runner.runner import QueueRunner
from aiom4b_tui.queue.runner.upkeep import RunnerUpkeep
from aiom4b_tui.store.models import JobStatus, JobUpdate, utcnow
from tests.helpers.runner_fakes import FakeWork
from tests.helpers.workers import open_service, queue_jobs, runner_context

ME = "here:1"
RULES = OrphanRules(host="here", alive=lambda pid: pid == 1)  # only this worker lives


@pytest.fixture
def env(tmp_path: Path):
    settings, db, service = open_service(tmp_path / "data", lease_seconds=2)
    yield settings, service
    db.close()


def _upkeep(service, settings, events: list[RunnerEvent]) -> RunnerUpkeep:
    ctx = runner_context(service, settings, events, worker_id=ME)
    return RunnerUpkeep(ctx, OrphanRecovery(service, ME, RULES, ctx.work_folders, PathMap()))


def test_at_start_old_jobs_go_and_dead_workers_jobs_come_back(env, tmp_path):
    settings, service = env
    events: list[RunnerEvent] = []
    upkeep = _upkeep(service, settings, events)
    old, recent, orphan = queue_jobs(service, tmp_path, 3)
    long_ago = utcnow() - timedelta(days=settings.days_kept + 1)
    for job in (old, recent):
        service.update_job(job.id, JobUpdate(status=JobStatus.COMPLETED, end_time=utcnow()))
    service.update_job(old.id, JobUpdate(end_time=long_ago))
    service.claim_job(orphan.id, "here:2")  # its pid is gone
    assert upkeep.due()
    recovered = upkeep.prepare()
    assert service.get_job(old.id) is None and service.get_job(recent.id) is not None
    assert [job.id for job in recovered] == [orphan.id]
    assert not upkeep.due()  # the next round comes later
    upkeep.announce(recovered)
    note = "recovered: worker here:2 was gone; queued again, its work kept"
    assert events == [RunnerEvent.status_entered(orphan.id, orphan.title, JobStatus.QUEUED, note)]


def test_recovery_comes_round_within_half_a_lease(env, tmp_path, monkeypatch):
    settings, service = env
    upkeep = _upkeep(service, settings, [])
    clock = [100.0]
    monkeypatch.setattr("aiom4b_tui.queue.runner.upkeep.time.monotonic", lambda: clock[0])
    assert upkeep.recover() == []
    clock[0] += settings.lease_seconds / 2 - 0.01
    assert not upkeep.due()
    clock[0] += 0.01
    assert upkeep.due()


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
