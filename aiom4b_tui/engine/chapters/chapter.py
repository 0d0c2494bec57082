"""A planned chapter: its title and where it starts (plan.py re-exports it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedChapter:
    """A chapter: its title and where it starts, as (source file index, seconds into it)."""

    title: str
    file_index: int
    offset: float = 0.0  # seconds into the file (non-zero for a source's own chapters)
    start: float = 0.0  # estimated start in the book, seconds (exact one comes from decoding)
    book_start: float | None = None  # exact start in the book (chapter files), seconds
