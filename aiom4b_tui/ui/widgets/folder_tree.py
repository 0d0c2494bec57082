"""The folder picker: a DirectoryTree of folders and audio files, with marks and summaries.

A folder that holds audio shows how many files and how long they play. Summaries are
worked out lazily, for the folders that are drawn, by one thread that takes requests
from a queue, so the tree never waits on the disk.
"""

from __future__ import annotations

import queue
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DirectoryTree
from textual.widgets._directory_tree import DirEntry
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from aiom4b_tui.core.library import FolderSummary, is_audio_file, is_hidden, summarize_folder
from aiom4b_tui.ui import formatting
from aiom4b_tui.ui.messages import FolderSummarized

MARK = "✓"


class FolderTree(DirectoryTree):
    """Folders and audio files under a root; `space` marks folders to add as books."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_mark", "Mark"),
        Binding("a", "app.add_each", "Add"),
        Binding("b", "app.add_one_book", "One book"),
    ]

    class MarksChanged(Message):
        """The set of marked folders changed."""

        def __init__(self, marked: list[Path]) -> None:
            super().__init__()
            self.marked = marked

    # Plain characters: emoji are two cells wide in some terminals and missing in others.
    ICON_NODE = "▸ "
    ICON_NODE_EXPANDED = "▾ "
    ICON_FILE = "  "

    def __init__(self, path: Path, *, id: str | None = None) -> None:
        super().__init__(path, id=id)
        self.marked: list[Path] = []
        self._summaries: dict[Path, FolderSummary] = {}
        self._requested: set[Path] = set()
        self._requests: queue.SimpleQueue[Path] = queue.SimpleQueue()

    def on_mount(self) -> None:
        self.show_root = False
        self.guide_depth = 2
        self._summarize_requests()

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Folders and audio files only; nothing hidden, no `._*` companions."""
        return [
            path
            for path in paths
            if not is_hidden(path) and (self._safe_is_dir(path) or is_audio_file(path))
        ]

    def render_label(self, node: TreeNode[DirEntry], base_style: Style, style: Style) -> Text:
        """The usual label, with a mark before a marked folder and its summary after it."""
        label = super().render_label(node, base_style, style)
        path = node.data.path if node.data else None
        if path is None or not node.allow_expand:
            return label
        if path in self.marked:
            label = Text.assemble((f"{MARK} ", "bold green"), label)
        else:
            label = Text.assemble("  ", label)
        summary = self._summaries.get(path)
        if summary is None:
            self._request_summary(path)
        elif summary.audio_files:
            length = formatting.book_length(summary.seconds)
            label.append(f"  {summary.audio_files} · {length}", style="dim")
        return label

    def _request_summary(self, path: Path) -> None:
        if path not in self._requested:
            self._requested.add(path)
            self._requests.put(path)

    @work(thread=True, exclusive=True, group="folder-summaries", exit_on_error=False)
    def _summarize_requests(self) -> None:
        """Answer summary requests one by one until the widget goes away."""
        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                path = self._requests.get(timeout=0.2)
            except queue.Empty:
                continue
            self.post_message(FolderSummarized(path, summarize_folder(path)))

    def on_folder_summarized(self, message: FolderSummarized) -> None:
        message.stop()
        self._summaries[message.path] = message.summary
        if message.summary.audio_files:
            self._invalidate()

    def summary_of(self, path: Path) -> FolderSummary | None:
        """The summary of a folder, if it has been worked out."""
        return self._summaries.get(path)

    def cursor_folder(self) -> Path | None:
        """The folder under the cursor (a file's folder when the cursor is on a file)."""
        node = self.cursor_node
        if node is None or node.data is None:
            return None
        path = node.data.path
        return path if node.allow_expand else path.parent

    def action_toggle_mark(self) -> None:
        """Mark or unmark the folder under the cursor."""
        node = self.cursor_node
        if node is None or node.data is None or not node.allow_expand:
            self.notify("Only folders can be marked.", severity="warning")
            return
        path = node.data.path
        if path in self.marked:
            self.marked.remove(path)
        else:
            self.marked.append(path)
        self._invalidate()
        self.post_message(self.MarksChanged(list(self.marked)))
        self.action_cursor_down()

    def clear_marks(self) -> None:
        """Forget every mark."""
        self.marked.clear()
        self._invalidate()
        self.post_message(self.MarksChanged([]))
