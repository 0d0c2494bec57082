"""Orphan detection and recovery of jobs left running by dead workers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.queue.recovery import OrphanRecovery, OrphanRules, is_orphan, recover_orphans
from aiom4b_tui.queue.work_folders import WorkFolders
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobStatus, utcnow
from tests.helpers.workers import open_service, queue_jobs

NOW = utcnow()
RULES = OrphanRules(host="here", alive=lambda pid: pid == 100)


@pytest.mark.parametrize(
    ("worker", "age", "orphan"),
    [
        ("here:100", 1, False),  # live pid, fresh heartbeat
        ("here:100", 3600, True),  # live pid but silent for an hour: a reused pid
        ("here:200", 1, True),  # pid gone
        ("there:100", 10, False),  # another host, fresh heartbeat
        ("there:100", 120, True),  # another host, silent
        ("garbage", 120, True),
        (None, None, True),
    ],
)
def test_is_orphan(worker, age, orphan):
    heartbeat = NOW - timedelta(seconds=age) if age is not None else None
    assert is_orphan(worker, heartbeat, now=NOW, rules=RULES) is orphan


@pytest.fixture
def setup(tmp_path: Path):
    settings, db, service = open_service(tmp_path / "data")
    yield settings, service
    db.close()


def _recovery(service, settings, worker: str, removed: list[tuple[Path, str]]) -> OrphanRecovery:
    """A recovery as `worker` of host "here", noting the work folders it removes."""
    work = WorkFolders(settings, lambda out, name: removed.append((out, name)))
    return OrphanRecovery(service, worker, RULES, work, PathMap(settings.path_map))


def _running(service: JobService, tmp_path: Path, workers: list[str]):
    jobs = queue_jobs(service, tmp_path, len(workers))
    for worker in workers:
        service.claim_next(worker)
    return jobs


def test_dead_workers_jobs_go_back_to_queued_and_their_work_is_kept(setup, tmp_path):
    settings, service = setup
    dead, live = _running(service, tmp_path, ["here:200", "here:100"])
    removed: list[tuple[Path, str]] = []
    recovered = _recovery(service, settings, "here:300", removed).run()
    assert [j.id for j in recovered] == [dead.id]
    row = service.get_job(dead.id)
    assert row.status is JobStatus.QUEUED and row.worker is None
    assert "recovered: worker here:200 was gone; queued again, its work kept" in row.log
    assert removed == []  # the next run resumes from it
    assert service.get_job(live.id).status is JobStatus.RUNNING
    assert service.get_job(live.id).worker == "here:100"


def test_a_cancel_asked_of_a_dead_worker_ends_cancelled(setup, tmp_path):
    settings, service = setup
    (job,) = _running(service, tmp_path, ["here:200"])
    service.request_cancel(job.id)
    removed: list[tuple[Path, str]] = []
    _recovery(service, settings, "here:300", removed).run()
    assert service.get_job(job.id).status is JobStatus.CANCELLED
    assert removed == [(settings.resolved_output_dir(), job.id.hex)]


def test_a_runner_never_recovers_its_own_jobs(setup, tmp_path):
    settings, service = setup
    (job,) = _running(service, tmp_path, ["here:200"])
    _recovery(service, settings, "here:200", []).run()
    assert service.get_job(job.id).status is JobStatus.RUNNING


def test_recover_orphans_hands_back_as_this_host_with_the_settings_lease(setup, tmp_path):
    settings, service = setup
    (job,) = _running(service, tmp_path, ["elsewhere:1"])
    assert recover_orphans(service, settings, "here:300") == []  # its lease is not out yet
    later = utcnow() + timedelta(seconds=settings.lease_seconds + 1)
    rules = OrphanRules(host="here")
    recovery = OrphanRecovery(service, "here:300", rules, WorkFolders(settings), PathMap())
    assert [j.id for j in recovery.run(now=later)] == [job.id]
    assert service.get_job(job.id).status is JobStatus.QUEUED
