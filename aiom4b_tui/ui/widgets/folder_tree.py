"""The folder picker: a DirectoryTree of folders and audio files, with marks and summaries.

A folder that holds audio shows how many files and how long they play. Summaries are
worked out lazily, for the folders that are drawn, by one thread that takes requests
from a queue, so the tree never waits on the disk. Keys as in lazygit or ranger: right
opens a folder, left closes it (or goes to its parent), backspace or `u` makes the
parent folder the root, ctrl+r reads the disk again (as happens by itself when a folder
appears: the root and the open folders are watched by their modification times).

The root's folders are first read once the app's first frame is drawn, which that read
(a thread, and each entry's audio check) would otherwise hold up: by ~0.1 s with 350
entries; the summary and watch threads start then too. For the same reason the audio
checks and summaries (engine/sources/folder_summary.py: mutagen, natsort, the scanner,
~30 ms to import) are imported by those threads, not before the frame.
"""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text, TextType
from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DirectoryTree
from textual.widgets._directory_tree import DirEntry
from textual.widgets.tree import TreeNode
from textual.worker import Worker, get_current_worker

from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.text import formatting

if TYPE_CHECKING:
    from aiom4b_tui.engine.sources.folder_summary import FolderSummary

MARK = "✓"
WATCH_SECONDS = 2.0


def modified_times(paths: Iterable[Path]) -> dict[Path, int]:
    """Each folder's modification time (ns); a folder that went away is left out."""
    times = {}
    for path in paths:
        try:
            times[path] = os.stat(path).st_mtime_ns
        except OSError:
            continue
    return times


class FolderTree(DirectoryTree):
    """Folders and audio files under a root; `space` marks folders to add as books."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_mark", "Mark"),
        Binding("a", "add_each", "Add"),
        Binding("b", "add_one_book", "One book"),
        Binding("right", "open_folder", "Open", show=False),
        Binding("left", "close_folder", "Close", show=False),
        Binding("backspace,u", "go_up", "Up", show=False),
        Binding("ctrl+r", "refresh_folders", "Refresh", show=False),
    ]

    @dataclass
    class AddRequested(Message):
        """Folders to add: each inner list becomes one book, in that order."""

        books: list[list[Path]]

    @dataclass
    class MarksChanged(Message):
        """The set of marked folders changed."""

        marked: list[Path]

    @dataclass
    class RootChanged(Message):
        """The tree shows another folder as its root."""

        root: Path

    # Plain characters: emoji are two cells wide in some terminals and missing in others.
    ICON_NODE = "▸ "
    ICON_NODE_EXPANDED = "▾ "
    ICON_FILE = "  "

    def __init__(self, path: Path, *, id: str | None = None) -> None:
        self._first_read: bool | None = None  # None: not asked; False: after the frame
        super().__init__(path, id=id)
        self.marked: list[Path] = []
        self._summaries: dict[Path, FolderSummary] = {}
        self._requested: set[Path] = set()
        self._requests: queue.SimpleQueue[Path] = queue.SimpleQueue()

    async def watch_path(self) -> None:
        """Show the new root's folders; the first read waits for the first frame."""
        if self._first_read:
            await super().watch_path()
        elif self._first_read is None:
            self._first_read = False  # the read asked for reads the root as it is then
            self.call_after_refresh(self._read_after_first_frame)

    def _read_after_first_frame(self) -> None:
        self._first_read = True
        # Taken before the read: a folder made after it but before the watch's first look
        # would otherwise be in neither (the watch would take it as already known).
        baseline = modified_times([self.root_path])
        self.call_later(self._read_root)
        self._summarize_requests()
        self._watch_folders(baseline)

    async def _read_root(self) -> None:
        await super().watch_path()
        self.cursor_line = 0  # on the first entry, as DirectoryTree puts a cursor it had

    def on_mount(self) -> None:
        self.show_root = False
        self.guide_depth = 2

    @property
    def root_path(self) -> Path:
        """The folder shown as the root."""
        return Path(self.path)

    def _watched(self) -> list[Path]:
        """The root and every open folder: where a new folder would show."""
        paths = [self.root_path]
        nodes = list(self.root.children)
        while nodes:
            node = nodes.pop()
            if node.is_expanded and node.data is not None:
                paths.append(node.data.path)
                nodes.extend(node.children)
        return paths

    @work(thread=True, exclusive=True, group="folder-watch", exit_on_error=False)
    def _watch_folders(self, baseline: dict[Path, int]) -> None:
        """Look at the watched folders' modification times every WATCH_SECONDS, from
        `baseline` (the root's as it was read)."""
        worker = get_current_worker()
        known = baseline
        root = next(iter(baseline), None)
        while not worker.is_cancelled:
            watched = self.app.call_from_thread(self._watched)
            times = modified_times(watched)
            if root != watched[0]:
                root, known = watched[0], times
            changed = [path for path, stamp in times.items() if known.get(path, stamp) != stamp]
            known = times
            if changed:
                self.app.call_from_thread(self.refresh_folders, changed)
            worker_sleep(worker, WATCH_SECONDS)

    def refresh_folders(self, changed: Iterable[Path] = ()) -> None:
        """Read the folders again, keeping what is open and where the cursor is."""
        for path in changed:
            self._summaries.pop(path, None)
        self._summaries = {
            p: s for p, s in self._summaries.items() if p.is_relative_to(self.root_path)
        }
        self._requested = set(self._summaries)
        self.reload()

    def action_refresh_folders(self) -> None:
        """Read the whole tree again from the disk (ctrl+r)."""
        self._summaries.clear()
        self.refresh_folders()
        self.notify("Folders read again.", timeout=2)

    def action_go_up(self) -> None:
        """Show the parent folder as the root."""
        parent = self.root_path.parent
        if parent != self.root_path:
            self.path = parent
            self.post_message(self.RootChanged(parent))

    def action_open_folder(self) -> None:
        """Open the folder under the cursor, or step into it when it is open."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if node.is_expanded:
            self.action_cursor_down()
        else:
            node.expand()

    def action_close_folder(self) -> None:
        """Close the folder under the cursor, or go to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def _folders_to_add(self) -> list[Path]:
        if self.marked:
            return list(self.marked)
        folder = self.cursor_folder()
        return [folder] if folder is not None else []

    def action_add_each(self) -> None:
        """Each marked folder (or the one under the cursor) becomes its own book."""
        folders = self._folders_to_add()
        if folders:
            self.post_message(self.AddRequested([[folder] for folder in folders]))

    def action_add_one_book(self) -> None:
        """All marked folders, in natural order, become one book."""
        from natsort import natsorted

        folders = self._folders_to_add()
        if folders:
            self.post_message(self.AddRequested([natsorted(folders, key=str)]))

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Folders and audio files only; nothing hidden, no `._*` companions."""
        from aiom4b_tui.engine.sources.folder_summary import (  # see the module's doc
            is_audio_file,
            is_hidden,
        )

        return [
            path
            for path in paths
            if not is_hidden(path) and (self._safe_is_dir(path) or is_audio_file(path))
        ]

    def process_label(self, label: TextType) -> Text:
        """File and folder names as safe text: control characters shown, never live."""
        return super().process_label(visible(label) if isinstance(label, str) else label)

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
        from aiom4b_tui.engine.sources.folder_summary import (
            summarize_folder,  # see the module's doc
        )

        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                path = self._requests.get(timeout=0.2)
            except queue.Empty:
                continue
            self.app.call_from_thread(self._summarized, path, summarize_folder(path))

    def _summarized(self, path: Path, summary: FolderSummary) -> None:
        self._summaries[path] = summary
        if summary.audio_files:
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


def worker_sleep(worker: Worker, seconds: float, step: float = 0.2) -> None:
    """Sleep in a thread worker, waking early when it is cancelled."""
    deadline = time.monotonic() + seconds
    while not worker.is_cancelled and time.monotonic() < deadline:
        time.sleep(step)
