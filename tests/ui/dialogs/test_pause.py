"""How to pause the queue: `f` running books finish, `s` they stop now, escape no pause."""

from __future__ import annotations

import pytest
from textual.app import App

from aiom4b_tui.store.workers import PauseMode
from aiom4b_tui.ui.dialogs.pause import PauseScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui


@pytest.mark.parametrize(
    ("key", "mode"), [("f", PauseMode.FINISH), ("s", PauseMode.STOP), ("escape", None)]
)
async def test_each_key_gives_its_mode(key, mode):
    app = App()
    answers: list[PauseMode | None] = []
    async with app.run_test(size=(100, 24)) as pilot:
        app.push_screen(PauseScreen(), answers.append)
        await wait_for(pilot, lambda: "Pause the queue" in screen_text(app))
        await pilot.press(key)
        await wait_for(pilot, lambda: answers)
    assert answers == [mode]


async def test_the_cancel_button_pauses_nothing():
    app = App()
    answers: list[PauseMode | None] = []
    async with app.run_test(size=(100, 24)) as pilot:
        app.push_screen(PauseScreen(), answers.append)
        await wait_for(pilot, lambda: "Cancel (esc)" in screen_text(app))
        await pilot.click("#cancel")
        await wait_for(pilot, lambda: answers)
    assert answers == [None]
