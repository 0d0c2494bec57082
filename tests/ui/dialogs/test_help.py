"""The keys in one place: every key the app answers to, grouped, and any of escape, `q`
or `?` closes the list."""

from __future__ import annotations

import pytest
from textual.app import App

from aiom4b_tui.ui.dialogs.help import KEYS, HelpScreen, keys_text
from tests.helpers.pilot import wait_for


def test_the_list_groups_the_keys_under_their_headings():
    lines = keys_text().splitlines()
    assert lines[0] == "[b]Library[/b]"
    headings = [key for key, meaning in KEYS if not meaning]
    assert headings == ["Library", "Jobs", "The queue", "Anywhere"]
    keys = {key for key, meaning in KEYS if meaning}
    assert {"space", "a", "b", "c", "r", "d", "/", "x", "p", "S", "w", "l", "q"} <= keys
    assert "  [b]w        [/b] have the worker watch an inbox for new books / stop" in lines


@pytest.mark.ui
@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_each_closing_key_closes_it(key):
    app = App()
    closed: list[None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HelpScreen(), closed.append)
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press(key)
        await wait_for(pilot, lambda: closed)
    assert app.return_code is None  # `q` closed the list, it did not quit
