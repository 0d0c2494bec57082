"""The key bar: the focused pane's keys, dimmed where not available, within 80 columns,
and a click on a key's name presses it."""

from __future__ import annotations

import pytest

from aiom4b_tui.store.models import JobCreate
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.dialogs.help import HelpScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from aiom4b_tui.ui.widgets.key_bar import KeyBar
from tests.helpers.job_rows_data import insert_jobs
from tests.helpers.pilot import focus, wait_for

pytestmark = pytest.mark.ui


def last_line(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_the_keys_follow_the_focus(settings, library, service):
    service.create_job(JobCreate(input_folders=[library / "Emma"]))
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        await wait_for(pilot, lambda: "Details" in last_line(app))
        assert "Mark" not in last_line(app)
        await pilot.press("l")  # the library pane, on a narrow terminal
        await wait_for(pilot, lambda: "Mark" in last_line(app))
        assert "Details" not in last_line(app)


async def test_a_click_on_a_key_presses_it(settings, library):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Help" in last_line(app))
        column = last_line(app).index("? Help")
        await pilot.click(KeyBar, offset=(column + 2, 0))
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_a_click_between_keys_does_nothing(settings, library):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Help" in last_line(app))
        bar = app.screen.query_one(KeyBar)
        await pilot.click(KeyBar, offset=(bar.size.width - 1, 0))  # past the last key
        column = last_line(app).index("? Help")
        await pilot.click(KeyBar, offset=(column + 2, 0))  # then on a key
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        # The first click was taken before the second: it opened nothing, quit nothing.
        assert app.screen_stack == [app.main_screen, app.screen]
        assert app.return_code is None


async def test_the_footer_keys_fit_80_columns(settings, library, service):
    insert_jobs(service, 3)
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 3)
        await focus(pilot, app.main_screen.jobs.table)
        await wait_for(pilot, lambda: "Details" in last_line(app))
        line = last_line(app)
        for key in ("Details", "c Cancel", "r Retry", "d Delete", "/ Filter", "q Quit"):
            assert key in line
        assert line.rstrip().endswith("p Pause")  # the last key shown, not cut off
        await pilot.press("l")
        await wait_for(pilot, lambda: "space Mark" in last_line(app))
        line = last_line(app)
        for key in ("space Mark", "a Add", "b One book", "q Quit", "? Help"):
            assert key in line
        assert line.rstrip().endswith("p Pause")
