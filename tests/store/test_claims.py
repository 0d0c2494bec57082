"""JobService's queue operations: cancel, retry, heartbeat, finishing, watched folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.store.jobs import LOG_CAP_CHARS, JobStateError, ProgressReport
from aiom4b_tui.store.models import JobCreate, JobStatus, JobUpdate
from tests.helpers.workers import add_book_folder, open_service, queue_jobs


@pytest.fixture
def service(tmp_path: Path, database_url: str | None):
    """A JobService on each back end in turn (SQLite, PostgreSQL)."""
    _settings, db, service = open_service(tmp_path / "data")
    yield service
    db.close()


def test_cancel_queued_job_marks_it_cancelled(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    done = service.request_cancel(job.id)
    assert done.status is JobStatus.CANCELLED
    assert done.end_time is not None
    assert done.log.endswith("cancelled while queued")


def test_cancel_running_job_only_asks_its_runner(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    asked = service.request_cancel(job.id)
    assert asked.status is JobStatus.RUNNING
    assert asked.cancel_requested
    assert service.running_states([job.id])[job.id].cancel_requested


def test_cancel_finished_job_is_refused(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    service.finish_running(job.id, "host:1", JobStatus.COMPLETED, ["done"], output_file="/x.m4b")
    with pytest.raises(JobStateError):
        service.request_cancel(job.id)


def test_retry_requeues_failed_job_and_keeps_its_log(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    service.finish_running(job.id, "host:1", JobStatus.FAILED, ["failed: 02.mp3 is empty"])
    again = service.retry(job.id)
    assert again.status is JobStatus.QUEUED
    assert again.worker is None and again.end_time is None and again.progress == 0
    assert "failed: 02.mp3 is empty" in again.log
    assert again.log.endswith("retry: queued again (was failed)")


def test_retry_clears_what_the_last_attempt_left(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    service.heartbeat([job.id], "host:1", {job.id: ProgressReport(0.6, 90.0, 12.0)})
    service.finish_running(job.id, "host:1", JobStatus.CANCELLED, ["cancelled"])
    # An output recorded by an earlier attempt (or by hand) must not survive a retry.
    service.update_job(job.id, JobUpdate(output_file="/out/old.m4b"))
    before = service.get_job(job.id)
    assert before.start_time and before.end_time and before.progress == 0.6
    again = service.retry(job.id)
    assert again.output_file is None
    assert again.start_time is None and again.end_time is None and again.heartbeat is None
    assert again.progress == 0 and again.speed is None and again.eta_seconds is None
    assert not again.cancel_requested


def test_existing_ids_leaves_out_deleted_jobs(service, tmp_path):
    jobs = queue_jobs(service, tmp_path, 3)
    service.delete_job(jobs[1].id)
    ids = [job.id for job in jobs]
    assert service.existing_ids(ids) == {jobs[0].id, jobs[2].id}
    assert service.existing_ids([]) == set()


def test_retry_refuses_queued_and_running_jobs(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    with pytest.raises(JobStateError):
        service.retry(job.id)
    service.claim_next("host:1")
    with pytest.raises(JobStateError):
        service.retry(job.id)


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


def test_claim_job_takes_only_a_queued_job(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    assert service.claim_job(job.id, "host:1").status is JobStatus.RUNNING
    assert service.claim_job(job.id, "host:2") is None


def test_log_stays_capped(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    line = "x" * 1000
    for _ in range(100):
        service.add_log_lines(job.id, [line, line])
    log = service.get_job(job.id).log
    assert len(log) <= LOG_CAP_CHARS + 100
    assert log.startswith("[… older lines dropped]")
    assert log.endswith(line)


def test_watched_job_is_created_once_per_folder(service, tmp_path):
    folder = add_book_folder(tmp_path, "inbox/Dune")
    first = service.create_watched_job(str(folder), JobCreate(input_folders=[folder]))
    second = service.create_watched_job(str(folder), JobCreate(input_folders=[folder]))
    assert first is not None and first.status is JobStatus.QUEUED
    assert second is None
    assert service.watched_folder_known(str(folder))
    assert len(service.get_jobs()) == 1


def test_any_claimable_sees_only_queued_jobs_not_excluded(service, tmp_path):
    assert not service.any_claimable()
    first, second = queue_jobs(service, tmp_path, 2)
    assert service.any_claimable()
    assert service.any_claimable(exclude=[first.id])
    assert not service.any_claimable(exclude=[first.id, second.id])
    service.claim_job(first.id, "host:1")
    service.request_cancel(second.id)
    assert not service.any_claimable()  # one running, one cancelled: nothing to take


def _plan(service, sql: str) -> str:
    """The query plan of `sql` on the service's back end, as one text."""
    with service.db.engine.connect() as conn:
        if service.db.is_postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")  # the index if there is one
            rows = conn.exec_driver_sql(f"EXPLAIN {sql}")
        else:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(part) for part in row) for row in rows)


def test_the_idle_poll_is_answered_from_the_status_index(service, tmp_path):
    queue_jobs(service, tmp_path, 3)
    plan = _plan(service, "SELECT jobs.id FROM jobs WHERE jobs.status = 'queued' LIMIT 1")
    assert "ix_jobs_status_created_at" in plan, plan
