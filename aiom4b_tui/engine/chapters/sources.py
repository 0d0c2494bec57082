"""Where a book's chapters come from, when not one per file: a chapter file the job
names, else one found beside the book (a `.cue` beside one long FLAC or MP3 is used
without a flag; one describing a single file is not used for a book of several).
Blocking (reads files): callers run it in a thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aiom4b_tui.engine.chapters.files import (
    ChapterFileError,
    ChapterMark,
    find_chapter_file,
    read_chapter_file,
)
from aiom4b_tui.engine.sources.scan import BookScan

if TYPE_CHECKING:
    from aiom4b_tui.job_options.model import JobOptions


def book_chapter_marks(
    scan: BookScan, options: JobOptions
) -> tuple[list[ChapterMark] | None, str | None]:
    """(chapters, a line for the log) from the job's chapter file or one beside the book;
    (None, None) when there is none. A file the job names must be readable
    (ChapterFileError); one found beside the book that is not is left out, and said."""
    if options.chapters_file is not None:
        path = Path(options.chapters_file)
        marks = read_chapter_file(path)
        return marks, f"{len(marks)} chapters from {path.name}"
    found = find_chapter_file(scan.folders, [f.path for f in scan.files])
    if found is None:
        return None, None
    try:
        marks = read_chapter_file(found)
    except ChapterFileError as exc:
        return None, f"chapter file left out: {exc}"
    one_file_sheet = found.suffix.lower() == ".cue" and all(m.file is None for m in marks)
    if one_file_sheet and len(scan.files) > 1:  # a rip's sheet beside more than the rip
        count = len(scan.files)
        return None, f"{found.name} left out: it describes one file, the book has {count}"
    return marks, f"{len(marks)} chapters from {found.name} (beside the book)"
