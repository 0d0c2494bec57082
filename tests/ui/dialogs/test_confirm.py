"""The yes/no question: `y` (or its button) says yes, `n` and escape say no; what happens
is said under the question, as text, never markup."""

from __future__ import annotations

import pytest
from textual.app import App

from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui


@pytest.mark.parametrize(("key", "answer"), [("y", True), ("n", False), ("escape", False)])
async def test_the_keys_answer(key, answer):
    app = App()
    answers: list[bool | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(
            ConfirmScreen("Delete “[b]Dune[/b]”?", "Delete", "It goes."), answers.append
        )
        await wait_for(pilot, lambda: "Delete “[b]Dune[/b]”?" in screen_text(app))
        assert "Delete (y)" in screen_text(app) and "It goes." in screen_text(app)
        await pilot.press(key)
        await wait_for(pilot, lambda: answers)
    assert answers == [answer]


async def test_the_yes_button_says_yes():
    app = App()
    answers: list[bool | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ConfirmScreen("Stop everything?", "Stop"), answers.append)
        await wait_for(pilot, lambda: "Stop (y)" in screen_text(app))
        assert not app.screen.query("#detail")  # no detail given: none shown
        await pilot.click("#yes")
        await wait_for(pilot, lambda: answers)
    assert answers == [True]
