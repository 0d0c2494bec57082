"""Where the chapters of an encoded book start, in output samples: from the decoded
positions of its files, never from summed probe durations."""

from __future__ import annotations

from aiom4b_tui.engine.encode.encoded import EncodedBook
from aiom4b_tui.engine.plan.plan import BookPlan


def chapter_starts(plan: BookPlan, book: EncodedBook) -> list[int]:
    """Exact chapter starts in output samples, from the decoded file positions."""
    starts = []
    for chapter in plan.chapters:
        if chapter.book_start is not None:
            starts.append(book.file_starts[0] + round(chapter.book_start * book.rate))
            continue
        base = book.file_starts[chapter.file_index]
        starts.append(base + round(chapter.offset * book.rate))
    return starts
