"""The library pane's title: the root folder, `~` for home, cut at the left to fit, and
following the tree when it goes up a folder."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Label

from aiom4b_tui.ui.widgets.folder_tree import FolderTree
from aiom4b_tui.ui.widgets.library_pane import LibraryPane
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui


class PaneApp(App[None]):
    def __init__(self, root) -> None:
        super().__init__()
        self.root = root

    def compose(self) -> ComposeResult:
        yield LibraryPane(self.root, id="library")


async def test_the_title_names_the_root_and_follows_it(tmp_path, monkeypatch, library):
    monkeypatch.setenv("HOME", str(library.parent))
    app = PaneApp(library)
    async with app.run_test(size=(40, 10)) as pilot:
        pane = app.query_one(LibraryPane)
        title = pane.query_one("#library-title", Label)
        assert pane.title() == "Library  ~/Audiobooks" == str(title.content)
        pane.post_message(FolderTree.RootChanged(library.parent / "a"))
        await wait_for(pilot, lambda: str(title.content) == "Library  ~/a")
        deep = library / "a-long-folder-name" / "and-another-one"
        pane.post_message(FolderTree.RootChanged(deep))
        await wait_for(pilot, lambda: str(title.content).startswith("Library  …"))
        assert str(title.content).endswith("and-another-one")
        assert len(str(title.content)) == len("Library  ") + 21
