"""Chapters made from silences, and chapters longer than a limit split (pure data).

A silence is known by its file and its place in it; a chapter placed at a silence
starts at the silence's middle. `split_long_chapters` cuts a chapter longer than the
limit at the latest silence in the second half of each stretch, else at the limit,
and names the pieces "Title", "Title (2)", "Title (3)", ...
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from aiom4b_tui.engine.chapters.chapter import PlannedChapter
from aiom4b_tui.engine.sources.scan import AudioFile

MIN_CHAPTER_SECONDS = 0.5  # no chapter at a silence this close to the one before


@dataclass(frozen=True)
class Silence:
    """A silence in a source: its file, and where it starts and ends in it (seconds)."""

    file_index: int
    start: float
    end: float

    @property
    def middle(self) -> float:
        """Where a chapter placed at this silence starts."""
        return (self.start + self.end) / 2


def file_starts(files: Sequence[AudioFile]) -> list[float]:
    """Estimated start of each file in the book (probed durations)."""
    starts, position = [], 0.0
    for audio in files:
        starts.append(position)
        position += audio.duration
    return starts


def chapters_at_silences(
    files: Sequence[AudioFile], silences: Sequence[Silence]
) -> list[PlannedChapter]:
    """A chapter at the start of the book and at each silence, "Chapter N"."""
    starts = file_starts(files)
    chapters = [PlannedChapter("Chapter 1", 0, 0.0, 0.0)]
    for silence in sorted(silences, key=lambda s: (s.file_index, s.start)):
        at = starts[silence.file_index] + silence.middle
        if at - chapters[-1].start < MIN_CHAPTER_SECONDS:
            continue
        title = f"Chapter {len(chapters) + 1}"
        chapters.append(PlannedChapter(title, silence.file_index, silence.middle, at))
    return chapters


def split_long_chapters(
    chapters: Sequence[PlannedChapter],
    files: Sequence[AudioFile],
    silences: Sequence[Silence],
    limit: float,
) -> list[PlannedChapter]:
    """Every chapter longer than `limit` seconds cut into pieces of at most `limit`."""
    starts = file_starts(files)
    total = sum(f.duration for f in files)
    cuts = sorted((starts[s.file_index] + s.middle, s) for s in silences)
    times = [t for t, _s in cuts]
    out: list[PlannedChapter] = []
    ends = [c.start for c in chapters[1:]] + [total]
    for chapter, end in zip(chapters, ends, strict=True):
        out.append(chapter)
        begin, piece = chapter.start, 1
        while end - begin > limit:
            lo = bisect.bisect_left(times, begin + limit / 2)
            hi = bisect.bisect_right(times, begin + limit)
            piece += 1
            title = f"{chapter.title} ({piece})"
            if hi > lo:  # the latest silence in the second half of the stretch
                at, silence = cuts[hi - 1]
                out.append(PlannedChapter(title, silence.file_index, silence.middle, at))
            else:
                at = begin + limit
                index = max(0, bisect.bisect_right(starts, at) - 1)
                out.append(PlannedChapter(title, index, at - starts[index], at))
            begin = at
    return out
