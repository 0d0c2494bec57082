"""New jobs go on top of the jobs table: their rows are added by key and moved up, the rows
already shown are kept (not built again), and the cursor stays on its job."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

from textual.app import App, ComposeResult

from aiom4b_tui.store.models import JobDB, JobStatus
from aiom4b_tui.ui.jobs.table import JobTable

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
