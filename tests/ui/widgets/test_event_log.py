"""The log pane: one line per event, stamped with the local time, kept whole (unwrapped)
for reading back, at most MAX_LINES."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.app import App, ComposeResult

from aiom4b_tui.ui.text.screen_text import screen_text
from aiom4b_tui.ui.widgets import event_log
from aiom4b_tui.ui.widgets.event_log import EventLog
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui

NOW = datetime(2026, 5, 1, 22, 41, 7, tzinfo=UTC)


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield EventLog(id="log")


async def test_events_are_stamped_and_kept_whole(utc):
    app = LogApp()
    async with app.run_test(size=(30, 8)) as pilot:
        log = app.query_one(EventLog)
        log.event("Dune: started on vm:4121, a line longer than the pane", NOW, "yellow")
        log.event("Dune: done", NOW)
        assert log.text() == (
            "22:41:07 Dune: started on vm:4121, a line longer than the pane\n22:41:07 Dune: done"
        )
        await wait_for(pilot, lambda: "Dune: done" in screen_text(app))
        assert "22:41:07 Dune: started on" in screen_text(app)  # wrapped on the screen


async def test_only_the_newest_lines_are_kept(utc, monkeypatch):
    monkeypatch.setattr(event_log, "MAX_LINES", 3)
    app = LogApp()
    async with app.run_test(size=(30, 8)):
        log = app.query_one(EventLog)
        for n in range(5):
            log.event(f"line {n}", NOW)
        assert log.text().splitlines() == ["22:41:07 line 2", "22:41:07 line 3", "22:41:07 line 4"]
