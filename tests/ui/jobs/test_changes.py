"""What the jobs feed remembers between looks: each change of status said once and in one
format, since when to ask again (with an overlap for late commits), when to sweep for
jobs deleted elsewhere, and no news of jobs forgotten."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from aiom4b_tui.store.models import JobDB, JobStatus
from aiom4b_tui.ui.jobs import changes
from aiom4b_tui.ui.jobs.changes import POLL_OVERLAP, ChangeTracker, status_event


def job(status: JobStatus, **fields) -> JobDB:
    fields.setdefault("input_folders", json.dumps(["/books/Dune"]))
    return JobDB(status=status, title="Dune", **fields)


def test_asks_from_the_newest_change_seen_less_an_overlap():
    tracker = ChangeTracker()
    later = datetime.now(UTC) + timedelta(minutes=5)
    tracker.seen([job(JobStatus.QUEUED, updated_at=later)])
    assert tracker.since() == later - POLL_OVERLAP
    tracker.seen([job(JobStatus.QUEUED, updated_at=later - timedelta(hours=1))])
    assert tracker.since() == later - POLL_OVERLAP  # never back in time


def test_a_sweep_is_due_after_a_page_when_the_count_drops_and_now_and_then(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(changes.time, "monotonic", lambda: clock[0])
    tracker = ChangeTracker()
    assert tracker.sweep_due(5)  # the first look
    assert not tracker.sweep_due(5)
    assert not tracker.sweep_due(6)  # one more: nothing deleted
    assert tracker.sweep_due(4)  # fewer
    tracker.know([job(JobStatus.QUEUED)])
    assert tracker.sweep_due(4)  # a page came in: its rows are checked
    assert not tracker.sweep_due(4)
    clock[0] += changes.SWEEP_SECONDS
    assert tracker.sweep_due(4)  # now and then, for a delete and an add between looks


def test_a_forgotten_job_is_news_again_and_known_ones_are_not():
    tracker = ChangeTracker()
    queued = job(JobStatus.QUEUED, id=uuid4())
    tracker.know([queued])
    assert tracker.seen([queued]) == []  # loaded with a page: no news
    tracker.forget([queued.id])
    assert tracker.seen([queued]) == [("Dune: queued", "cyan")]


def test_each_status_change_is_one_event_in_one_format():
    running = job(JobStatus.RUNNING, worker="vm:4121")
    assert status_event(running, JobStatus.QUEUED) == "Dune: started on vm:4121"
    done = job(JobStatus.COMPLETED, output_file="/out/Dune.m4b")
    assert status_event(done, JobStatus.RUNNING) == "Dune: done → Dune.m4b"
    failed = job(JobStatus.FAILED, reason="no audio")
    assert status_event(failed, JobStatus.RUNNING) == "Dune: failed: no audio"
    assert status_event(job(JobStatus.QUEUED), JobStatus.RUNNING) == "Dune: back in the queue"
    tracker = ChangeTracker()
    tracker.know([job(JobStatus.QUEUED, id=running.id)])
    assert tracker.seen([running]) == [("Dune: started on vm:4121", "yellow")]
    assert tracker.seen([running]) == []  # the same status again is no news
