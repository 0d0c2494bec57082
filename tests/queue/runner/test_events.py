"""The runner's events: one for a status entered, a log line, progress made; and the
progress text they carry."""

from __future__ import annotations

from uuid import UUID

from aiom4b_tui.queue.runner.events import RunnerEvent, progress_text
from aiom4b_tui.store.jobs import ProgressReport
from aiom4b_tui.store.models import JobStatus

JOB = UUID(int=5)


def test_each_kind_of_event_carries_what_it_says():
    assert RunnerEvent.status_entered(JOB, "Dune", JobStatus.FAILED, "failed: x") == RunnerEvent(
        JOB, "Dune", "status", "failed: x", JobStatus.FAILED, None
    )
    assert RunnerEvent.log_line(JOB, "Dune", "resuming") == RunnerEvent(
        JOB, "Dune", "log", "resuming"
    )
    made = RunnerEvent.progress_made(JOB, "Dune", ProgressReport(0.425, 140.0, 30.4))
    assert made == RunnerEvent(JOB, "Dune", "progress", "42% 140× eta 30s", progress=0.425)


def test_the_progress_text_says_only_what_is_known():
    assert progress_text(ProgressReport(0.5)) == "50%"
    assert progress_text(ProgressReport(1.0, speed=0.0, eta_seconds=0.0)) == "100% eta 0s"
    assert progress_text(ProgressReport(0.0, speed=38.6)) == "0% 39×"
