"""`aiom4b chapters BOOK.m4b`: print a finished book's chapters in a chapter file format,
or replace them from a chapter file with `--set FILE` (no re-encoding; through a
temporary file that is checked, then renamed over the book)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiom4b_tui.cli.args import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError
from aiom4b_tui.engine.chapters.files import (
    ChapterFileError,
    ChapterMark,
    format_chapters,
    read_chapter_file,
)
from aiom4b_tui.engine.mp4.boxes import MP4Error
from aiom4b_tui.engine.mp4.chapters import read_chapters
from aiom4b_tui.engine.mp4.finish import book_length, set_book_chapters
from aiom4b_tui.safe_text import visible, visible_lines


def cmd_chapters(args: argparse.Namespace) -> int:
    """Print the book's chapters, or set them from a file."""
    book: Path = args.book
    if not book.is_file():
        raise CliError(f"no such file: {book}", EXIT_USAGE)
    try:
        if args.set is not None:
            return _set(book, args.set)
        marks = [ChapterMark(c.start, c.title) for c in read_chapters(book)]
        text = format_chapters(marks, args.format, total=book_length(book), audio_name=book.name)
    except (MP4Error, OSError, ValueError) as exc:
        raise CliError(f"{book}: {exc}", EXIT_FAILURE) from exc
    # To a file or pipe the titles go as they are (the output is a chapter file to set
    # again); to a terminal, never with their control characters live.
    out = "".join(line + "\n" for line in visible_lines(text)) if sys.stdout.isatty() else text
    sys.stdout.write(out)
    return EXIT_OK


def _set(book: Path, source: Path) -> int:
    try:
        marks = read_chapter_file(source)
    except ChapterFileError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    if any(m.file is not None for m in marks):
        raise CliError(f"{source}: a CUE sheet of several files cannot be set on one book")
    length = book_length(book)
    marks = sorted(marks, key=lambda m: m.start)
    late = [m for m in marks if m.start >= length]
    if late:
        raise CliError(
            f"{source}: chapter {visible(late[0].title)!r} starts at {late[0].start:.3f} s, "
            f"after the end of the book ({length:.3f} s)",
            EXIT_USAGE,
        )
    set_book_chapters(book, [m.title for m in marks], [m.start for m in marks])
    print(f"{len(marks)} chapters set in {visible(str(book))}")
    return EXIT_OK
