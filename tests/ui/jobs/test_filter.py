"""The queue table's filter as typed: a status word (its value, `done`, `canceled`) and/or
text, the first status word taken as the status and the rest as text to look for."""

from __future__ import annotations

import json

import pytest

from aiom4b_tui.store.models import JobDB, JobStatus
from aiom4b_tui.ui.jobs.filter import JobFilter


@pytest.mark.parametrize(
    ("typed", "status", "text"),
    [
        ("", None, ""),
        ("failed", JobStatus.FAILED, ""),
        ("Done", JobStatus.COMPLETED, ""),
        ("canceled", JobStatus.CANCELLED, ""),
        ("dune", None, "dune"),
        ("running  jane austen", JobStatus.RUNNING, "jane austen"),
        ("queued failed", JobStatus.QUEUED, "failed"),  # one status: the second is text
    ],
)
def test_what_is_typed_is_a_status_and_or_text(typed, status, text):
    assert JobFilter.parse(typed) == JobFilter(status=status, text=text)


def test_the_filter_in_words_and_whether_it_hides_anything():
    assert not JobFilter().active and JobFilter().describe() == ""
    both = JobFilter.parse("running austen")
    assert both.active and both.describe() == "running “austen”"


def test_a_job_matches_by_status_and_text():
    job = JobDB(status=JobStatus.FAILED, title="Emma", input_folders=json.dumps(["/books/Emma"]))
    assert JobFilter().matches(job)
    assert JobFilter.parse("failed emma").matches(job)
    assert not JobFilter.parse("done emma").matches(job)
    assert not JobFilter.parse("failed dune").matches(job)
