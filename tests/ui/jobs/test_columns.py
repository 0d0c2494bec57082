"""The Host column: which host runs or ran each book, shown once the queue's rows name
more than one host, within 80 columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

from aiom4b_tui.store.models import JobDB, JobStatus, JobUpdate
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.jobs.cells import host_of, job_cells
from aiom4b_tui.ui.jobs.columns import COLUMNS, HOST_COLUMNS
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.job_rows_data import insert_job
from tests.helpers.pilot import wait_for

NOW = datetime(2026, 5, 1, 22, 45, tzinfo=UTC)
CELL_PADDING = 2  # a DataTable cell's padding, one each side
SCROLLBAR = 1


def job(status: JobStatus, worker: str | None) -> JobDB:
    return JobDB(
        status=status, title="Dune", worker=worker, input_folders=json.dumps(["/books/Dune"])
    )


def test_the_host_of_a_running_or_finished_job_and_none_for_a_queued_one():
    assert host_of(job(JobStatus.RUNNING, "nas:4121")) == "nas"
    assert host_of(job(JobStatus.COMPLETED, "desk.lan:77")) == "desk.lan"
    assert host_of(job(JobStatus.QUEUED, None)) == ""
    assert host_of(job(JobStatus.QUEUED, "nas:4121")) == ""  # a stale id is not news
    assert host_of(job(JobStatus.FAILED, "not an id")) == ""


def test_a_hostile_host_name_is_shown_not_obeyed():
    host = host_of(job(JobStatus.RUNNING, "evil\x1b]0;pwned\x07:12"))
    assert "\x1b" not in host and "\x07" not in host


def test_both_layouts_fit_80_columns_and_cut_a_long_host():
    for layout in (COLUMNS, HOST_COLUMNS):
        width = sum(column.width + CELL_PADDING for column in layout)
        assert width <= 80 - SCROLLBAR, layout
    cells = job_cells(job(JobStatus.RUNNING, "a-very-long-host-name:1"), NOW, HOST_COLUMNS)
    host_cell = cells[[c.key for c in HOST_COLUMNS].index("host")]
    assert host_cell.plain == "a-very-…"


def add(service, n: int, status: JobStatus, worker: str | None) -> JobDB:
    created = NOW - timedelta(hours=1) + timedelta(minutes=n)
    return insert_job(
        service,
        id=UUID(int=n),
        status=status,
        title=f"Book {n}",
        input_folders=json.dumps([f"/books/Book {n}"]),
        worker=worker,
        progress=0.5 if status is JobStatus.RUNNING else 1.0,
        created_at=created,
        updated_at=created,
        start_time=created if worker else None,
    )


async def test_the_host_column_appears_when_a_second_host_takes_a_book(settings, library, service):
    add(service, 1, JobStatus.COMPLETED, "nas:10")
    add(service, 2, JobStatus.RUNNING, "nas:11")
    queued = add(service, 3, JobStatus.QUEUED, None)
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.main_screen.jobs.table
        await wait_for(pilot, lambda: table.row_count == 3)
        await wait_for(pilot, lambda: table.has_focus)  # the jobs pane, not the library
        await pilot.press("down")
        assert not table.with_host and "Host" not in screen_text(app)

        # Another host's worker claims the queued book.
        service.update_job(
            queued.id, JobUpdate(status=JobStatus.RUNNING, worker="desk:20", start_time=NOW)
        )
        await wait_for(pilot, lambda: table.with_host)
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Host" in text and "desk" in text and "nas" in text
        assert table.cursor_row == 1  # the cursor stayed on its row
        assert table.virtual_size.width <= table.scrollable_content_region.width
