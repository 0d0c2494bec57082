"""The first run's question, where finished books go: asked once when no output folder is
set, the answer made a folder and saved in config.toml; escape asks again next time; a
headless app (tests) never asks."""

from __future__ import annotations

import tomllib

import pytest
from textual.widgets import Input

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.dialogs.output_folder import OutputFolderScreen, should_ask
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui

SIZE = (80, 24)


async def wait_long(pilot, condition) -> None:
    """wait_for with room for a loaded machine (the tests share two cores)."""
    await wait_for(pilot, condition, timeout=30)


def test_asked_only_when_no_output_folder_is_set(data_dir, tmp_path, library):
    assert should_ask(load_settings(data_dir, library_dir=library))
    assert not should_ask(load_settings(data_dir, library_dir=library, output_dir=tmp_path))


async def test_the_first_run_asks_where_books_go_once(data_dir, tmp_path, library):
    settings = load_settings(data_dir, library_dir=library)
    assert settings.output_dir is None
    app = create_app(settings, library, start_worker=False, ask_output_dir=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_long(pilot, lambda: isinstance(app.screen, OutputFolderScreen))
        text = screen_text(app)
        assert "Where should finished books go?" in text and "~/Audiobooks" in text
        await pilot.press("escape")  # later: nothing saved
        await wait_long(pilot, lambda: not isinstance(app.screen, OutputFolderScreen))
    assert not (data_dir / "config.toml").exists() and settings.output_dir is None

    app = create_app(settings, library, start_worker=False, ask_output_dir=True)
    chosen = tmp_path / "Finished Books"
    async with app.run_test(size=SIZE) as pilot:
        await wait_long(pilot, lambda: isinstance(app.screen, OutputFolderScreen))
        app.screen.query_one("#output-folder", Input).value = str(chosen)
        await pilot.press("enter")
        await wait_long(pilot, lambda: "finished books go to" in screen_text(app))
    assert chosen.is_dir() and settings.output_dir == chosen
    saved = tomllib.loads((data_dir / "config.toml").read_text())
    assert saved["output_dir"] == str(chosen)

    again = load_settings(data_dir, library_dir=library)
    assert again.output_dir == chosen
    app = create_app(again, library, start_worker=False, ask_output_dir=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_long(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        # The question is pushed as the app mounts, before the first frame and the
        # folders' first read: had it been asked, it would be up by now.
        assert app.screen is app.main_screen  # asked once


async def test_a_headless_app_never_asks(settings, library):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_long(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        assert app.screen is app.main_screen  # see above: it would be up by now
