"""The library pane: its title (the root folder, `~` for home) over the folder tree."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from aiom4b_tui.ui.text.formatting import home_label
from aiom4b_tui.ui.widgets.folder_tree import FolderTree

TITLE_WIDTH = 21  # the root's label in the pane's title


class LibraryPane(Vertical):
    """`Library  ~/Audiobooks` and the tree of folders under it."""

    def __init__(self, root: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.root = root

    def title(self) -> str:
        """`Library  ~/Audiobooks`."""
        return f"Library  {home_label(self.root, TITLE_WIDTH)}"

    def compose(self) -> ComposeResult:
        yield Label(self.title(), classes="pane-title", id="library-title", markup=False)
        yield FolderTree(self.root, id="tree")

    @property
    def tree(self) -> FolderTree:
        """The folder tree."""
        return self.query_one(FolderTree)

    def on_folder_tree_root_changed(self, message: FolderTree.RootChanged) -> None:
        self.root = message.root
        self.query_one("#library-title", Label).update(self.title())
