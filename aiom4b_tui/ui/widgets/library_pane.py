"""The library pane: its title (the root folder, `~` for home) over the folder tree."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.widgets.folder_tree import FolderTree


def root_label(root: Path, width: int = 21) -> str:
    """The folder, `~` for home, cut at the left to fit `width`."""
    home = Path.home()
    label = f"~/{root.relative_to(home)}" if root.is_relative_to(home) else str(root)
    label = visible(label)
    return label if len(label) <= width else "…" + label[-(width - 1) :]


class LibraryPane(Vertical):
    """`Library  ~/Audiobooks` and the tree of folders under it."""

    def __init__(self, root: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.root = root

    def compose(self) -> ComposeResult:
        title = f"Library  {root_label(self.root)}"
        yield Label(title, classes="pane-title", id="library-title", markup=False)
        yield FolderTree(self.root, id="tree")

    @property
    def tree(self) -> FolderTree:
        """The folder tree."""
        return self.query_one(FolderTree)

    def on_folder_tree_root_changed(self, message: FolderTree.RootChanged) -> None:
        self.root = message.root
        self.query_one("#library-title", Label).update(f"Library  {root_label(self.root)}")
