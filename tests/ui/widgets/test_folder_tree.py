"""The folder tree, with keys as in lazygit or ranger: it opens and closes with right and
left, goes to the parent folder, reads the disk again (and notices new folders by itself),
and shows each folder's audio summary."""

from __future__ import annotations

import pytest

from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.text.formatting import home_label
from aiom4b_tui.ui.text.screen_text import screen_text
from aiom4b_tui.ui.widgets.library_pane import TITLE_WIDTH
from tests.helpers.audio import make_mp3
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui


def make_app(settings, library) -> AiomApp:
    return create_app(settings, library, start_worker=False)


async def test_right_opens_left_closes(settings, library):
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.main_screen.folder_tree
        await wait_for(pilot, lambda: tree.cursor_node is not None)
        assert tree.cursor_folder() == library / "Dune"
        await pilot.press("right")
        await wait_for(pilot, lambda: "10 part.mp3" in screen_text(app))
        await pilot.press("right")  # open: into its first entry
        assert tree.cursor_node.data.path == library / "Dune" / "1 part.mp3"
        await pilot.press("left")  # on a file: to its folder
        assert tree.cursor_node.data.path == library / "Dune"
        await pilot.press("left")  # on an open folder: close it
        await wait_for(pilot, lambda: "10 part.mp3" not in screen_text(app))


async def test_u_and_backspace_make_the_parent_the_root(settings, library):
    app = make_app(settings, library)
    async with app.run_test(size=(100, 24)) as pilot:
        tree = app.main_screen.folder_tree
        await wait_for(pilot, lambda: tree.cursor_node is not None)
        await pilot.press("u")
        await wait_for(pilot, lambda: tree.root_path == library.parent)
        await wait_for(pilot, lambda: "Audiobooks" in screen_text(app))
        assert f"Library  {home_label(library.parent, TITLE_WIDTH)}" in screen_text(app)
        await pilot.press("backspace")
        await wait_for(pilot, lambda: tree.root_path == library.parent.parent)


async def test_ctrl_r_and_the_watch_show_new_folders(settings, library):
    app = make_app(settings, library)
    async with app.run_test(size=(100, 24)) as pilot:
        tree = app.main_screen.folder_tree
        await wait_for(pilot, lambda: tree.cursor_node is not None)
        make_mp3(library / "Persuasion" / "01.mp3", 1.0)
        # By itself: the root's modification time changed.
        await wait_for(pilot, lambda: "Persuasion" in screen_text(app), timeout=10)
        await wait_for(pilot, lambda: "Persuasion  1 · 1s" in screen_text(app))
        make_mp3(library / "Walden" / "01.mp3", 1.0)
        await pilot.press("ctrl+r")  # at once: the rescan's thread, not a poll
        # 5 s, not 2: beside the other xdist worker's encodes the rescan's thread (a scan
        # of the library with mutagen) once took longer than 2 s on 2 cores.
        await wait_for(pilot, lambda: "Walden" in screen_text(app), timeout=5)
