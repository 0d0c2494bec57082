"""The chapters and files of a book as the person edits them in the add dialog (pure data).

A `ChapterDraft` holds every source file in reading order (left-out ones too, so they can
be taken back), and the chapters as `ChapterEntry`s: title, file, seconds into the file,
the form `JobOptions.chapters` keeps and engine/chapters/plan.py places. Chapters belong to
their file, so moving a file moves its chapters with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aiom4b_tui.job_options.model import ChapterEntry

_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


class DraftError(ValueError):
    """An edit that cannot be made; the message says why, for a person."""


@dataclass(frozen=True)
class DraftFile:
    """A source file: its path relative to its book folder, and how long it plays."""

    rel: str
    seconds: float


@dataclass(frozen=True)
class DraftRow:
    """One line of the editor: a chapter (with where it starts in the book), or a file
    with no chapter starting at its beginning (`chapter` None), or a left-out file."""

    file: str
    chapter: int | None  # index into ChapterDraft.entries
    start: float = 0.0
    left_out: bool = False


@dataclass
class ChapterDraft:
    """The files in order, those left out, and the chapters (edited or as planned)."""

    files: list[DraftFile]
    entries: list[ChapterEntry]
    left_out: set[str] = field(default_factory=set)
    files_edited: bool = False
    chapters_edited: bool = False

    def included(self) -> list[DraftFile]:
        """The files in the book, in order."""
        return [f for f in self.files if f.rel not in self.left_out]

    def file_starts(self) -> dict[str, float]:
        """Where each included file starts in the book (estimated, seconds)."""
        starts, position = {}, 0.0
        for audio in self.included():
            starts[audio.rel] = position
            position += audio.seconds
        return starts

    def duration(self) -> float:
        """The book's length, seconds."""
        return sum(f.seconds for f in self.included())

    def chapter_order(self) -> list[int]:
        """Indexes of the chapters in the book (of included files), in book order."""
        starts = self.file_starts()
        placed = [
            (starts[e.file] + e.offset, i) for i, e in enumerate(self.entries) if e.file in starts
        ]
        return [i for _start, i in sorted(placed)]

    def chapter_start(self, index: int) -> float:
        """Where chapter `index` starts in the book; the first one starts at 0 (as the
        engine places it)."""
        order = self.chapter_order()
        if order and order[0] == index:
            return 0.0
        entry = self.entries[index]
        return self.file_starts()[entry.file] + entry.offset

    def chapter_end(self, index: int) -> float:
        """Where chapter `index` ends: the next chapter's start, or the book's end."""
        order = self.chapter_order()
        at = order.index(index)
        return self.chapter_start(order[at + 1]) if at + 1 < len(order) else self.duration()

    def rows(self) -> list[DraftRow]:
        """The editor's lines: per file in order, its chapters; a file none starts at
        the beginning of gets a line of its own, so it can still be moved or left out."""
        order = self.chapter_order()
        rows: list[DraftRow] = []
        for audio in self.files:
            if audio.rel in self.left_out:
                rows.append(DraftRow(audio.rel, None, left_out=True))
                continue
            mine = [i for i in order if self.entries[i].file == audio.rel]
            starts_file = mine and (self.entries[mine[0]].offset == 0 or mine[0] == order[0])
            if not starts_file:
                rows.append(DraftRow(audio.rel, None, self.file_starts()[audio.rel]))
            rows += [DraftRow(audio.rel, i, self.chapter_start(i)) for i in mine]
        return rows

    # --- chapter edits ---------------------------------------------------------------

    def rename(self, index: int, title: str) -> None:
        """Give chapter `index` a new title (DraftError when blank)."""
        if not title.strip():
            raise DraftError("a chapter title cannot be blank")
        self.entries[index] = self.entries[index].model_copy(update={"title": title.strip()})
        self.chapters_edited = True

    def merge_with_next(self, index: int) -> None:
        """Join chapter `index` and the one after it (the first title stays)."""
        order = self.chapter_order()
        at = order.index(index)
        if at + 1 >= len(order):
            raise DraftError("the last chapter has no next one to merge with")
        del self.entries[order[at + 1]]
        self.chapters_edited = True

    def split(self, index: int, into: float) -> int:
        """A new chapter `into` seconds after chapter `index` starts, named after it
        "Title (2)"; returns its index. DraftError when that is outside the chapter."""
        begin, end = self.chapter_start(index), self.chapter_end(index)
        at = begin + into
        if into <= 0 or at >= end - 0.05:
            length = clock(end - begin)
            raise DraftError(f"split at a time inside the chapter (it is {length} long)")
        starts = self.file_starts()
        rel = max((r for r in starts if starts[r] <= at), key=lambda r: starts[r])
        title = f"{self.entries[index].title} (2)"
        self.entries.append(ChapterEntry(title=title, file=rel, offset=round(at - starts[rel], 3)))
        self.chapters_edited = True
        return len(self.entries) - 1

    def replace_chapters(self, marks: list[tuple[float, str]]) -> None:
        """Chapters at book times (seconds) with titles, placed on the included files."""
        starts = self.file_starts()
        if not starts:
            raise DraftError("the book has no files")
        entries = []
        for at, title in marks:
            if at >= self.duration():
                continue
            rel = max((r for r in starts if starts[r] <= at), key=lambda r: starts[r])
            entries.append(ChapterEntry(title=title, file=rel, offset=round(at - starts[rel], 3)))
        if not entries:
            raise DraftError("none of the chapters falls inside the book")
        self.entries = entries
        self.chapters_edited = True

    # --- file edits ------------------------------------------------------------------

    def move_file(self, rel: str, step: int) -> None:
        """Move a file `step` places (-1 up, 1 down) in the reading order."""
        at = [f.rel for f in self.files].index(rel)
        to = at + step
        if not 0 <= to < len(self.files):
            raise DraftError("the file is already at the " + ("top" if step < 0 else "bottom"))
        self.files[at], self.files[to] = self.files[to], self.files[at]
        self.files_edited = True

    def toggle_file(self, rel: str) -> None:
        """Leave a file out of the book, or take it back (the last file stays)."""
        if rel in self.left_out:
            self.left_out.discard(rel)
        elif len(self.included()) == 1:
            raise DraftError("a book needs at least one file")
        else:
            self.left_out.add(rel)
        self.files_edited = True

    # --- as job options --------------------------------------------------------------

    def chosen_files(self) -> list[str] | None:
        """`JobOptions.files`: the included files in order; None when never edited."""
        return [f.rel for f in self.included()] if self.files_edited else None

    def chosen_chapters(self) -> list[ChapterEntry] | None:
        """`JobOptions.chapters`: the chapters in book order; None when never edited."""
        if not self.chapters_edited:
            return None
        return [self.entries[i] for i in self.chapter_order()]


def parse_time(text: str) -> float:
    """Seconds from "mm:ss", "h:mm:ss" or plain seconds ("90", "12.5"); DraftError else."""
    text = text.strip()
    try:
        seconds = float(text)
    except ValueError:
        found = _CLOCK.match(text)
        if not found:
            raise DraftError(f"not a time: {text!r} (use mm:ss or seconds)") from None
        hours, minutes, secs = found.groups()
        seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
    if seconds < 0 or seconds != seconds:
        raise DraftError(f"not a time: {text!r}")
    return seconds


def clock(seconds: float) -> str:
    """m:ss (h:mm:ss from an hour)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
