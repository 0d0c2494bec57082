"""A job's status: the stored values, a status this version does not know (read, never
taken for one it knows), and what a listing says for either."""

from __future__ import annotations

from aiom4b_tui.store.status import (
    FINISHED_STATUSES,
    JobStatus,
    UnknownStatus,
    read_status,
    status_text,
)


def test_the_seeds_statuses_are_stored_as_their_values():
    assert [s.value for s in JobStatus] == [
        "queued",
        "running",
        "completed",
        "failed",
        "cancelled",
    ]
    assert JobStatus("queued") is JobStatus.QUEUED and JobStatus.QUEUED == "queued"


def test_only_completed_failed_and_cancelled_are_finished():
    assert {s for s in JobStatus if s.finished} == FINISHED_STATUSES
    assert {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED} == FINISHED_STATUSES


def test_an_unknown_status_is_read_back_as_itself_and_is_never_a_known_one():
    paused = read_status("paused")
    assert isinstance(paused, UnknownStatus)
    assert paused.value == "paused" and str(paused) == "paused"
    assert repr(paused) == "UnknownStatus('paused')"
    assert not paused.finished  # clearing old jobs never removes such a row
    assert all(paused != status for status in JobStatus)
    assert read_status("failed") is JobStatus.FAILED


def test_an_unknown_status_that_looks_like_a_known_one_by_case_stays_unknown():
    assert isinstance(read_status("QUEUED"), UnknownStatus)


def test_a_listing_says_the_status_or_what_is_wrong_with_the_row():
    assert status_text(JobStatus.RUNNING, None) == "running"
    assert status_text(None, "status 'bogus'") == "bad row: status 'bogus'"
    assert status_text(JobStatus.QUEUED, "options cannot be read") == (
        "bad row: options cannot be read"
    )
    assert status_text(None, None) == "?"
