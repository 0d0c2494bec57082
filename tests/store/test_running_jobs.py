"""The writes and polls of running jobs (store/running_jobs.py, reached through
JobService): heartbeats and progress, log lines, a job's end, a dead worker's job adopted,
on each back end in turn."""

from __future__ import annotations

from uuid import uuid4

from aiom4b_tui.store.jobs import LOG_CAP_CHARS, ProgressReport, RunningState
from aiom4b_tui.store.models import JobStatus
from tests.helpers.workers import (
    queue_jobs,
    service_on_each_back_end,  # noqa: F401 (the fixture)
)


def test_finish_running_only_for_the_owning_worker(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    assert service.finish_running(job.id, "host:2", JobStatus.COMPLETED, ["x"]) is None
    done = service.finish_running(
        job.id, "host:1", JobStatus.COMPLETED, ["completed"], output_file="/o/b.m4b"
    )
    assert done.status is JobStatus.COMPLETED and done.progress == 1.0
    assert done.output_file == "/o/b.m4b" and done.end_time is not None


def test_finish_running_to_queued_hands_the_job_back(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    back = service.finish_running(job.id, "host:1", JobStatus.QUEUED, ["stopped"])
    assert back.status is JobStatus.QUEUED and back.worker is None and back.end_time is None


def test_heartbeat_writes_progress_only_on_own_running_jobs(service, tmp_path):
    mine, theirs = queue_jobs(service, tmp_path, 2)
    service.claim_next("host:1")
    service.claim_next("host:2")
    touched = service.heartbeat(
        [mine.id, theirs.id], "host:1", {mine.id: ProgressReport(0.25, 40.0, 12.0)}
    )
    assert touched == 1
    row = service.get_job(mine.id)
    assert (row.progress, row.speed, row.eta_seconds) == (0.25, 40.0, 12.0)
    assert service.get_job(theirs.id).progress == 0


def test_log_stays_capped(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    line = "x" * 1000
    for _ in range(100):
        service.add_log_lines(job.id, [line, line])
    log = service.get_job(job.id).log
    assert len(log) <= LOG_CAP_CHARS + 100
    assert log.startswith("[… older lines dropped]")
    assert log.endswith(line)


def test_only_one_recoverer_adopts_an_orphan(service, tmp_path):
    (job,) = queue_jobs(service, tmp_path, 1)
    service.claim_next("here:200")
    stale = service.get_job(job.id)
    assert service.adopt_orphan(stale, "here:300") is not None
    assert service.adopt_orphan(stale, "here:301") is None


def test_running_states_tell_owner_status_and_cancel(service, tmp_path):
    running, queued, deleted = queue_jobs(service, tmp_path, 3)
    service.claim_job(running.id, "host:1")
    service.request_cancel(running.id)
    service.delete_job(deleted.id)
    states = service.running_states([running.id, queued.id, deleted.id])
    assert set(states) == {running.id, queued.id}
    assert states[running.id] == RunningState(JobStatus.RUNNING, "host:1", True)
    assert states[queued.id] == RunningState(JobStatus.QUEUED, None, False)
    assert service.running_states([]) == {}


def test_running_jobs_lists_every_workers_running_jobs(service, tmp_path):
    first, second, _queued = queue_jobs(service, tmp_path, 3)
    service.claim_job(first.id, "host:1")
    service.claim_job(second.id, "host:2")
    assert sorted(job.worker for job in service.running_jobs()) == ["host:1", "host:2"]


def test_add_log_lines_appends_stamped_lines_and_drops_blank_ones(service, tmp_path):
    (job,) = queue_jobs(service, tmp_path, 1)
    row = service.add_log_lines(job.id, ["one", "  ", "two"])
    lines = row.log.splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == ["one", "two"]
    assert service.add_log_lines(uuid4(), ["x"]) is None
