"""What the TUI's job keys tell the person (ui/jobs/commands.py), on a real SQLite queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.store.models import JobStatus
from aiom4b_tui.ui.jobs.commands import cancel_job, delete_job, retry_job
from tests.helpers.workers import open_service, queue_jobs


@pytest.fixture
def service(tmp_path: Path):
    """A JobService on a fresh SQLite data dir."""
    _settings, db, service = open_service(tmp_path / "data")
    yield service
    db.close()


def test_cancel_a_queued_job_then_retry_it(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1, prefix="Dune")[0]
    cancelled = cancel_job(service, job)
    assert not cancelled.refused
    assert cancelled.text.endswith(": cancelled")
    assert cancelled.job.status is JobStatus.CANCELLED
    again = retry_job(service, cancelled.job)
    assert not again.refused
    assert again.text.endswith(": queued again")
    assert again.job.status is JobStatus.QUEUED


def test_cancel_a_running_job_asks_its_worker(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    asked = cancel_job(service, job)
    assert not asked.refused
    assert asked.text.endswith(": stop asked of its worker")
    assert asked.job.status is JobStatus.RUNNING


def test_refusals_name_the_job_not_its_id(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    refused = retry_job(service, job)  # a queued job cannot be retried
    assert refused.refused
    assert refused.job is None
    assert str(job.id) not in refused.text
    assert delete_job(service, job).text.endswith(": deleted")
    gone = cancel_job(service, job)
    assert gone.refused
    assert gone.text.endswith(": the job no longer exists")
