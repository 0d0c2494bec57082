"""What the job keys ask for: a running job is not deleted (cancel it first), deleting and
clearing ask first, each command runs through JobService (a real SQLite queue), and what
came of it is told in the log, a note, or both."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.store.models import JobStatus
from aiom4b_tui.ui.jobs import actions
from aiom4b_tui.ui.jobs.actions import CANCEL_FIRST, JobAction, Told
from aiom4b_tui.ui.jobs.commands import Outcome
from tests.helpers.workers import open_service, queue_jobs


@pytest.fixture
def service(tmp_path: Path):
    """A JobService on a fresh SQLite data dir."""
    _settings, db, service = open_service(tmp_path / "data")
    yield service
    db.close()


def test_only_clearing_old_jobs_needs_no_job():
    assert [a for a in JobAction if not a.needs_job] == [JobAction.CLEAR_OLD]


def test_a_running_job_is_not_deleted_and_what_cannot_be_undone_is_asked(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1, prefix="Dune")[0]
    assert actions.refusal(JobAction.DELETE, job) is None
    assert actions.question(JobAction.DELETE, job, 30) == ("Delete the job “Dune00”?", "Delete")
    assert actions.question(JobAction.CLEAR_OLD, None, 30) == (
        "Clear finished jobs older than 30 days?",
        "Clear",
    )
    assert actions.question(JobAction.CANCEL, job, 30) is None
    running = service.claim_next("host:1")
    assert actions.refusal(JobAction.DELETE, running) == CANCEL_FIRST
    assert actions.refusal(JobAction.CANCEL, running) is None


def test_each_command_runs_through_the_service(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1, prefix="Dune")[0]
    cancelled = actions.run(JobAction.CANCEL, service, job, 30)
    assert cancelled.job.status is JobStatus.CANCELLED
    assert actions.run(JobAction.RETRY, service, job, 30).job.status is JobStatus.QUEUED
    assert actions.run(JobAction.DELETE, service, job, 30).text.endswith(": deleted")
    assert service.get_job(job.id) is None
    assert actions.run(JobAction.CLEAR_OLD, service, None, 30).text == "Cleared 0 old jobs"
    with pytest.raises(ValueError, match="needs a job"):
        actions.run(JobAction.RETRY, service, None, 30)
    with pytest.raises(ValueError, match="not a command"):
        actions.run(JobAction.DETAILS, service, job, 30)


def test_what_is_told_of_each_outcome(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    refused = Outcome("Dune is completed; nothing to cancel", refused=True)
    assert actions.told(JobAction.CANCEL, refused) == Told(
        log=(refused.text, "yellow"), note=(refused.text, "warning")
    )
    running = service.claim_next("host:1")
    asked = Outcome("Dune: stop asked of its worker", job=running)
    assert actions.told(JobAction.CANCEL, asked) == Told(note=(asked.text, "information"))
    assert actions.told(JobAction.RETRY, Outcome("Dune: queued again", job=job)) == Told()
    assert actions.told(JobAction.DELETE, Outcome("Dune: deleted", job=job)) == Told(
        log=("Dune: deleted", "")
    )
    gone = Outcome("Dune: the job no longer exists", refused=True)
    assert actions.told(JobAction.DELETE, gone) == Told(log=(gone.text, "yellow"))
    assert actions.told(JobAction.CLEAR_OLD, Outcome("Cleared 2 old jobs")) == Told(
        log=("Cleared 2 old jobs", "")
    )
