"""The queue table: new jobs go on top (their rows added by key and moved up, the rows
already shown kept, not built again, the cursor on its job); changes repaint only the
cells that changed, in one batch; a second host adds the Host column; Home and End jump
to the first and the last job, loading the pages up to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from textual.app import App, ComposeResult

from aiom4b_tui.store.models import JobDB, JobStatus, JobUpdate
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.jobs.filter import JobFilter
from aiom4b_tui.ui.jobs.table import JobTable
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.job_rows_data import insert_job, insert_jobs
from tests.helpers.pilot import focus, wait_for

pytestmark = pytest.mark.ui

NOW = datetime(2026, 5, 1, 22, 45, tzinfo=UTC)
SIZE = (80, 24)


def job(n: int, status: JobStatus = JobStatus.QUEUED, worker: str | None = None) -> JobDB:
    """Job `n`, created `n` minutes after the first."""
    return JobDB(
        id=UUID(int=n),
        status=status,
        title=f"Book {n}",
        worker=worker,
        progress=0.5 if status is JobStatus.RUNNING else 0.0,
        input_folders=json.dumps([f"/books/Book {n}"]),
        created_at=NOW - timedelta(hours=1) + timedelta(minutes=n),
        updated_at=NOW,
    )


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield JobTable(id="jobs")


def add(service, n: int, status: JobStatus, worker: str | None) -> JobDB:
    """Job `n` written to the database, created `n` minutes after the first."""
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


def shown(table: JobTable) -> list[int]:
    """The job numbers, top to bottom."""
    return [UUID(row.key.value).int for row in table.ordered_rows]


def title_cell(table: JobTable, n: int) -> object:
    index = [column.key for column in table.layout].index("title")
    return table.get_row(str(UUID(int=n)))[index]


async def test_new_jobs_go_on_top_and_the_cursor_stays_on_its_job():
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(JobTable)
        table.add_page([job(3), job(2), job(1)], NOW, complete=True)
        table.move_cursor(row=1, animate=False)
        kept = title_cell(table, 1)
        table.put_on_top([job(4), job(5)], NOW)
        await pilot.pause()
        assert shown(table) == [5, 4, 3, 2, 1]
        assert list(table.jobs) == [UUID(int=n) for n in (5, 4, 3, 2, 1)]
        assert table.selected_job().title == "Book 2"
        assert title_cell(table, 1) is kept  # moved, not built again

        renamed = job(3)
        renamed.title = "Dune"
        table.update_job(renamed, NOW)  # a changed cell is a new object in its row
        table.put_on_top([job(6)], NOW)
        await pilot.pause()
        assert shown(table) == [6, 5, 4, 3, 2, 1]
        assert title_cell(table, 3).plain == "Dune"
        assert table.selected_job().title == "Book 2"


async def test_order_holds_when_a_new_job_adds_the_host_column():
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(JobTable)
        table.add_page([job(2, JobStatus.RUNNING, "nas:1"), job(1)], NOW, complete=True)
        table.move_cursor(row=1, animate=False)
        table.put_on_top([job(3), job(4, JobStatus.RUNNING, "desk:2")], NOW)
        await pilot.pause()
        assert table.with_host  # every row was drawn again in the middle of the batch
        assert shown(table) == [4, 3, 2, 1]
        assert table.selected_job().title == "Book 1"


async def test_changes_repaint_their_cells_drop_leavers_and_add_newcomers_on_top():
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(JobTable)
        table.start_over(JobFilter(status=JobStatus.QUEUED))
        table.add_page([job(3), job(2), job(1)], NOW, complete=True)
        kept = title_cell(table, 2)
        started = job(1, JobStatus.RUNNING, "nas:1")  # leaves the filter
        renamed = job(3)
        renamed.title = "Dune"
        table.take_changes([started, renamed, job(4)], NOW)
        await pilot.pause()
        assert shown(table) == [4, 3, 2]
        assert title_cell(table, 3).plain == "Dune"
        assert title_cell(table, 2) is kept  # unchanged: not repainted


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


async def test_home_and_end_jump_to_the_first_and_last_job(settings, library, service):
    insert_jobs(service, 450)
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.main_screen.jobs.table
        await wait_for(pilot, lambda: table.row_count == 200)
        await focus(pilot, table)
        await pilot.press("end")  # loads the pages up to the oldest job
        await wait_for(pilot, lambda: table.row_count == 450 and table.cursor_row == 449)
        assert table.selected_job().title == "Book 00000"
        await pilot.press("home")
        await wait_for(pilot, lambda: table.cursor_row == 0)
        assert table.selected_job().title == "Book 00449"
