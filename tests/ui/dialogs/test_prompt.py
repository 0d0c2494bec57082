"""The one-line question: enter gives what was typed (prefilled with the value given),
escape gives nothing."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Input

from aiom4b_tui.ui.dialogs.prompt import PromptScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui


async def test_enter_gives_the_line_and_escape_nothing():
    app = App()
    answers: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PromptScreen("Watch this folder:", value="/in"), answers.append)
        await wait_for(pilot, lambda: "Watch this folder:" in screen_text(app))
        assert app.screen.query_one("#answer", Input).value == "/in"
        await pilot.press("end", *"box", "enter")
        await wait_for(pilot, lambda: answers)
        app.push_screen(PromptScreen("Chapter title", placeholder="e.g. 1:30"), answers.append)
        await wait_for(pilot, lambda: "Chapter title" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(answers) == 2)
    assert answers == ["/inbox", None]
