"""Claims (store/claims.py, reached through JobService): the oldest queued job, once; one
given job; the idle poll from the status index; a bad row failed, not run; on each back
end in turn."""

from __future__ import annotations

import json

from aiom4b_tui.store.models import JobStatus
from tests.helpers.job_rows_data import insert_job
from tests.helpers.workers import (
    queue_jobs,
    service_on_each_back_end,  # noqa: F401 (the fixture)
)


def test_claim_job_takes_only_a_queued_job(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    assert service.claim_job(job.id, "host:1").status is JobStatus.RUNNING
    assert service.claim_job(job.id, "host:2") is None


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


def test_claim_next_takes_the_oldest_queued_job_once(service, tmp_path):
    first, second = queue_jobs(service, tmp_path, 2)
    claimed = service.claim_next("host:1")
    assert claimed is not None and claimed.id == first.id
    assert claimed.status is JobStatus.RUNNING
    assert claimed.worker == "host:1" and claimed.start_time is not None
    assert service.claim_next("host:2").id == second.id
    assert service.claim_next("host:3") is None


def test_claim_next_takes_only_an_accepted_job_not_excluded(service, tmp_path):
    first, second, third = queue_jobs(service, tmp_path, 3)
    asked: list[str] = []

    def accept(job) -> bool:
        asked.append(job.title)
        return job.id != first.id

    claimed = service.claim_next("host:1", accept=accept, exclude=[second.id])
    assert claimed.id == third.id
    assert asked == [first.title, third.title]  # the excluded one is not even asked about
    assert service.claim_next("host:1", accept=lambda job: False) is None
    assert service.get_job(first.id).status is JobStatus.QUEUED


def test_a_row_that_cannot_be_read_is_failed_and_the_next_one_taken(service, tmp_path):
    bad = insert_job(service, title="Bad", input_folders="not json")
    (good,) = queue_jobs(service, tmp_path, 1)
    claimed = service.claim_next("host:1")
    assert claimed.id == good.id
    row = service.get_job(bad.id)
    assert row.status is JobStatus.FAILED and row.worker == "host:1"
    assert row.log.endswith("failed: bad row: input_folders is not JSON (not json)")


def test_claim_job_fails_a_row_that_cannot_be_read(service):
    bad = insert_job(service, input_folders=json.dumps([]))
    assert service.claim_job(bad.id, "host:1") is None
    assert service.get_job(bad.id).status is JobStatus.FAILED
