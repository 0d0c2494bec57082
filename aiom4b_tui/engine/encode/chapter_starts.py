"""Where the chapters of an encoded book start, and the ffmetadata that marks them."""

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


def chapters_metadata(titles: list[str], starts: list[int], total: int, rate: int) -> str:
    """An ffmetadata document with one [CHAPTER] per chapter (times in samples)."""
    lines = [";FFMETADATA1"]
    ends = [*starts[1:], max(total, starts[-1] + 1)]
    for title, start, end in zip(titles, starts, ends, strict=True):
        lines += ["[CHAPTER]", f"TIMEBASE=1/{rate}", f"START={start}", f"END={end}"]
        lines.append(f"title={_escape_metadata(title)}")
    return "\n".join(lines) + "\n"


def _escape_metadata(text: str) -> str:
    for ch in ("\\", "=", ";", "#", "\n"):
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", " ")
