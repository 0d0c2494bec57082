"""One job as a row of the queue table: the status with its symbol, the title (or its
folder's name), the host, the progress (a bar, the book's file, or why it failed), the
time it took; text from files shown, never obeyed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from aiom4b_tui.store.models import JobDB, JobStatus
from aiom4b_tui.ui.jobs.cells import (
    display_title,
    elapsed_seconds,
    failure_reason,
    host_of,
    job_cells,
    matches_text,
    progress_text,
    status_text,
)
from aiom4b_tui.ui.jobs.columns import COLUMNS, HOST_COLUMNS

NOW = datetime(2026, 5, 1, 22, 45, tzinfo=UTC)


def job(status: JobStatus, worker: str | None = None, **fields) -> JobDB:
    fields.setdefault("input_folders", json.dumps(["/books/Dune"]))
    fields.setdefault("title", "Dune")
    return JobDB(status=status, worker=worker, **fields)


def test_the_host_of_a_running_or_finished_job_and_none_for_a_queued_one():
    assert host_of(job(JobStatus.RUNNING, "nas:4121")) == "nas"
    assert host_of(job(JobStatus.COMPLETED, "desk.lan:77")) == "desk.lan"
    assert host_of(job(JobStatus.QUEUED, None)) == ""
    assert host_of(job(JobStatus.QUEUED, "nas:4121")) == ""  # a stale id is not news
    assert host_of(job(JobStatus.FAILED, "not an id")) == ""


def test_a_hostile_host_name_is_shown_not_obeyed():
    host = host_of(job(JobStatus.RUNNING, "evil\x1b]0;pwned\x07:12"))
    assert "\x1b" not in host and "\x07" not in host


def test_a_long_host_is_cut_to_its_column():
    cells = job_cells(job(JobStatus.RUNNING, "a-very-long-host-name:1"), NOW, HOST_COLUMNS)
    host_cell = cells[[c.key for c in HOST_COLUMNS].index("host")]
    assert host_cell.plain == "a-very-…"


def test_the_reason_column_first_then_the_failed_log_line():
    assert failure_reason(job(JobStatus.FAILED, reason="02.mp3 is not audio")) == (
        "02.mp3 is not audio"
    )
    older = job(JobStatus.FAILED, log="22:30 scanned\n22:31 failed: CD2/07.mp3 bad\n22:32 bye")
    assert failure_reason(older) == "CD2/07.mp3 bad"
    assert failure_reason(job(JobStatus.FAILED, log="only line")) == "only line"
    assert "\x1b" not in failure_reason(job(JobStatus.FAILED, reason="a\x1b[2Jb"))


def test_the_status_says_stopping_once_a_cancel_is_asked():
    assert status_text(job(JobStatus.RUNNING)).plain == "● running"
    assert status_text(job(JobStatus.RUNNING, cancel_requested=True)).plain == "● stopping"
    assert status_text(job(JobStatus.CANCELLED)).plain == "⊘ cancelled"


def test_a_job_without_a_title_is_named_by_its_first_folder():
    assert display_title(job(JobStatus.QUEUED, title=None)) == "Dune"
    assert display_title(job(JobStatus.QUEUED, title="Emma [b]\x1b")) == "Emma [b]␛"
    broken = job(JobStatus.QUEUED, title=None, input_folders="not json")
    assert display_title(broken) == str(broken.id)[:8]


def test_progress_is_a_bar_the_books_file_or_the_reason():
    running = job(JobStatus.RUNNING, progress=0.71, speed=140.0, eta_seconds=180.0)
    assert progress_text(running).plain == "█████░░░  71%  140× 3m00"
    done = job(JobStatus.COMPLETED, output_file="/out/Dune.m4b")
    assert progress_text(done).plain == "→ Dune.m4b"
    assert progress_text(job(JobStatus.FAILED, reason="no audio")).plain == "no audio"
    assert progress_text(job(JobStatus.QUEUED)).plain == ""


def test_the_time_taken_runs_until_the_job_ends():
    start = NOW - timedelta(minutes=5)
    assert elapsed_seconds(job(JobStatus.RUNNING, start_time=start), NOW) == 300.0
    ended = job(JobStatus.COMPLETED, start_time=start, end_time=start + timedelta(seconds=62))
    assert elapsed_seconds(ended, NOW) == 62.0
    assert elapsed_seconds(job(JobStatus.QUEUED), NOW) is None
    cells = job_cells(ended, NOW, COLUMNS)
    assert [cell.plain for cell in cells][-1] == "1m02"


def test_text_is_found_in_the_title_folders_or_output():
    done = job(JobStatus.COMPLETED, output_file="/out/Frank Herbert - Dune.m4b")
    assert matches_text(done, "herbert") and matches_text(done, "BOOKS/DUNE")
    assert not matches_text(done, "emma")
