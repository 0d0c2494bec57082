"""The running app's screen as plain text: one line per row, no colours, no trailing
spaces, the screen's size."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Label

from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import wait_for


class TwoLines(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("[b]first[/b] line", markup=True)
        yield Label("second")


@pytest.mark.ui
async def test_the_screen_as_lines_of_text():
    app = TwoLines()
    async with app.run_test(size=(40, 6)) as pilot:
        await wait_for(pilot, lambda: "second" in screen_text(app))
        lines = screen_text(app).splitlines()
        assert lines[:2] == ["first line", "second"]
        assert len(lines) <= 6 and all(line == line.rstrip() for line in lines)
        assert "\x1b" not in screen_text(app)
