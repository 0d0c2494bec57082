"""The jobs panel: its title says it loads until the first page is in, its filter narrows
the table as it is typed, the table pages as the cursor moves, and its keys ask the
screen to act on the selected job (saying so when none is)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from aiom4b_tui.config.app_settings import AppSettings
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobStatus, JobUpdate
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.jobs.actions import NO_JOB, JobAction
from aiom4b_tui.ui.jobs.panel import JobsPanel
from aiom4b_tui.ui.start.store import Store
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import focus, wait_for

pytestmark = pytest.mark.ui

NOW = datetime(2026, 5, 1, 22, 45, tzinfo=UTC)


class PanelApp(App[None]):
    """The panel on its own; what it asks for is kept."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.asked: list[JobsPanel.Asked] = []

    def compose(self) -> ComposeResult:
        yield JobsPanel(self.store, lambda: NOW)

    def on_jobs_panel_asked(self, message: JobsPanel.Asked) -> None:
        self.asked.append(message)


async def test_the_keys_ask_for_the_selected_job(settings, library, service: JobService):
    dune = service.create_job(JobCreate(input_folders=[library / "Dune"], title="Dune"))
    app = PanelApp(Store(AppSettings.of(settings), service))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(JobsPanel)
        assert "Jobs · loading…" in screen_text(app)  # not started: the store may be shut
        panel.start()
        await wait_for(pilot, lambda: panel.table.row_count == 1)
        await wait_for(pilot, lambda: "loading" not in screen_text(app))
        await focus(pilot, panel.table)
        await pilot.press("c", "r", "d", "x", "enter")
        await wait_for(pilot, lambda: len(app.asked) == 5)
        assert [(m.action, m.job.id if m.job else None) for m in app.asked] == [
            (JobAction.CANCEL, dune.id),
            (JobAction.RETRY, dune.id),
            (JobAction.DELETE, dune.id),
            (JobAction.CLEAR_OLD, None),
            (JobAction.DETAILS, dune.id),
        ]


async def test_with_no_job_the_keys_say_so_and_ask_nothing(settings, library, service):
    app = PanelApp(Store(AppSettings.of(settings), service))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(JobsPanel)
        panel.start()
        await wait_for(pilot, lambda: "loading" not in screen_text(app))
        await focus(pilot, panel.table)
        await pilot.press("c", "x")
        await wait_for(pilot, lambda: app.asked)  # `x` needs no job: asked, after `c`
        assert [m.action for m in app.asked] == [JobAction.CLEAR_OLD]
        assert [n.message for n in app._notifications] == [NO_JOB]


async def test_filter_by_status_and_text(settings, library, service: JobService):

    dune = service.create_job(JobCreate(input_folders=[library / "Dune"]))
    service.create_job(JobCreate(input_folders=[library / "Emma"]))
    service.update_job(dune.id, JobUpdate(status=JobStatus.FAILED))
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.main_screen.jobs.table
        await wait_for(pilot, lambda: table.row_count == 2)
        await focus(pilot, table)
        await pilot.press("slash", *"failed")  # narrows as it is typed, no enter needed
        await wait_for(pilot, lambda: table.row_count == 1)
        await wait_for(pilot, lambda: "Jobs · failed" in screen_text(app))
        field = app.main_screen.query_one("#filter", Input)
        field.value = ""
        await pilot.press(*"emm")
        await wait_for(pilot, lambda: [j.title for j in table.jobs.values()] == ["Emma"])
        await pilot.press(*"xyz")
        await wait_for(pilot, lambda: "No job matches “emmxyz”." in screen_text(app))
        assert table.row_count == 0
        await pilot.press("enter")  # back to the table, the filter kept
        await wait_for(pilot, lambda: app.focused is table)
        await pilot.press("escape")  # clears the filter
        await wait_for(pilot, lambda: table.row_count == 2)
        assert "No job matches" not in screen_text(app)
        await pilot.press("l")  # the library, then `/` from there: back to the jobs
        await wait_for(pilot, lambda: app.focused is app.main_screen.folder_tree)
        await pilot.press("slash", *"failed")
        await wait_for(pilot, lambda: table.row_count == 1)


async def test_the_table_pages_as_the_cursor_moves(settings, library, service: JobService):
    from tests.helpers.job_rows_data import insert_jobs

    insert_jobs(service, 450)
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 200)
        await focus(pilot, app.main_screen.jobs.table)
        app.main_screen.jobs.table.move_cursor(row=190)
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 400)
        app.main_screen.jobs.table.move_cursor(row=399)
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 450)
        assert app.main_screen.jobs.table.complete
        await wait_for(pilot, lambda: "450 queued" in screen_text(app))
