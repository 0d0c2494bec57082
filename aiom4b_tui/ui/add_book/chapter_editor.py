"""The add dialog's chapter editor: a list of the book's chapters and files where a person
renames (enter/r), merges with the next (m), splits at a time (s), moves a file (K/J or
ctrl+up/ctrl+down) and leaves a file out (x). The edits live in a `ChapterDraft`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.add_book.draft import ChapterDraft, DraftError, DraftRow, parse_time
from aiom4b_tui.ui.dialogs.prompt import PromptScreen
from aiom4b_tui.ui.text import formatting

TITLE_WIDTH = 36
FILE_WIDTH = 20


class ChapterEditor(OptionList):
    """The chapters of a `ChapterDraft`, one line each, with the keys that edit them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rename", "Rename"),
        Binding("m", "merge", "Merge"),
        Binding("s", "split", "Split"),
        Binding("K,ctrl+up", "move(-1)", "Move", key_display="K/J"),
        Binding("J,ctrl+down", "move(1)", "Move file down", show=False),
        Binding("x", "toggle_file", "Omit"),
    ]

    @dataclass
    class FilesChanged(Message):
        """A file was moved or left out: the book must be planned again."""

    @dataclass
    class ChaptersChanged(Message):
        """A chapter was renamed, merged or split."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.draft: ChapterDraft | None = None
        self._rows: list[DraftRow] = []

    def show_draft(
        self, draft: ChapterDraft, *, keep: tuple[str, int | None] | None = None
    ) -> None:
        """Show `draft`; the highlight goes back to the row `keep` (file, chapter) names."""
        self.draft = draft
        old = self.highlighted
        self._rows = draft.rows()
        self.clear_options()
        self.add_options([Option(self._line(n, row)) for n, row in enumerate(self._rows)])
        if not self._rows:
            return
        wanted = None
        if keep is not None:
            wanted = next(
                (n for n, r in enumerate(self._rows) if (r.file, r.chapter) == keep), None
            )
        self.highlighted = wanted if wanted is not None else min(old or 0, len(self._rows) - 1)

    def _line(self, number: int, row: DraftRow) -> Text:
        assert self.draft is not None
        text = Text(no_wrap=True, overflow="ellipsis")
        file = formatting.ellipsize(visible(row.file), FILE_WIDTH)
        if row.left_out:
            text.append(f"{'':>3} {'left out':>8}  ", style="dim")
            text.append(
                formatting.ellipsize(visible(row.file), TITLE_WIDTH + 2), style="dim strike"
            )
            return text
        if row.chapter is None:
            text.append(f"{'':>3} {formatting.track_time(row.start):>8}  ", style="dim")
            text.append(f"{'(chapter goes on)':<{TITLE_WIDTH}}", style="dim italic")
            text.append(f"  {file}", style="dim")
            return text
        chapter_number = self.draft.chapter_order().index(row.chapter) + 1
        title = formatting.ellipsize(visible(self.draft.entries[row.chapter].title), TITLE_WIDTH)
        text.append(f"{chapter_number:>3} ", style="dim")
        text.append(f"{formatting.track_time(row.start):>8}  ", style="cyan")
        text.append(f"{title:<{TITLE_WIDTH}}")
        text.append(f"  {file}", style="dim")
        return text

    def current_row(self) -> DraftRow | None:
        """The highlighted line."""
        if self.highlighted is None or not 0 <= self.highlighted < len(self._rows):
            return None
        return self._rows[self.highlighted]

    def _current_chapter(self) -> int | None:
        row = self.current_row()
        if row is None or row.chapter is None:
            self.notify("Choose a chapter line for that.", severity="warning")
            return None
        return row.chapter

    def action_select(self) -> None:
        """Enter renames the chapter."""
        self.action_rename()

    def action_rename(self) -> None:
        """Ask for the chapter's new title."""
        index = self._current_chapter()
        if index is None or self.draft is None:
            return
        old = self.draft.entries[index].title

        def renamed(title: str | None) -> None:
            if title is not None:
                self._edit(lambda d: d.rename(index, title), keep=index)

        self.app.push_screen(PromptScreen("Chapter title", visible(old)), renamed)

    def action_merge(self) -> None:
        """Join the chapter with the next one."""
        index = self._current_chapter()
        if index is not None:
            self._edit(lambda d: d.merge_with_next(index), keep=index)

    def action_split(self) -> None:
        """Ask where in the chapter a new one starts."""
        index = self._current_chapter()
        if index is None or self.draft is None:
            return
        title = visible(self.draft.entries[index].title)

        def split_at(answer: str | None) -> None:
            if answer is not None:
                self._edit(lambda d: d.split(index, parse_time(answer)), keep=index)

        question = f"Split {formatting.ellipsize(title, 30)!r} at (mm:ss or seconds into it)"
        self.app.push_screen(PromptScreen(question, placeholder="e.g. 1:30"), split_at)

    def action_move(self, step: int) -> None:
        """Move the line's file up or down in the reading order."""
        row = self.current_row()
        if row is not None:
            self._edit(lambda d: d.move_file(row.file, step), files=True, row=row)

    def action_toggle_file(self) -> None:
        """Leave the line's file out of the book, or take it back."""
        row = self.current_row()
        if row is not None:
            self._edit(lambda d: d.toggle_file(row.file), files=True, row=row)

    def _edit(
        self,
        change: Callable[[ChapterDraft], object],
        *,
        keep: int | None = None,
        files: bool = False,
        row: DraftRow | None = None,
    ) -> None:
        if self.draft is None:
            return
        try:
            change(self.draft)
        except DraftError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        if row is not None:
            self.show_draft(self.draft, keep=(row.file, row.chapter))
        else:
            entry = self.draft.entries[keep] if keep is not None else None
            self.show_draft(self.draft, keep=(entry.file, keep) if entry else None)
        self.post_message(self.FilesChanged() if files else self.ChaptersChanged())
