"""A planned chapter: a title and where it starts (a file, seconds into it, and an exact
start in the book when a chapter file gave one)."""

from __future__ import annotations

import dataclasses

import pytest

from aiom4b_tui.engine.chapters.chapter import PlannedChapter
from aiom4b_tui.engine.plan import plan


def test_a_chapter_per_file_starts_at_its_file():
    chapter = PlannedChapter("Part 2", 1)
    assert (chapter.title, chapter.file_index, chapter.offset) == ("Part 2", 1, 0.0)
    assert chapter.start == 0.0 and chapter.book_start is None


def test_a_chapter_inside_a_file_or_from_a_chapter_file_says_where():
    inside = PlannedChapter("Storm", 0, offset=754.5, start=754.5)
    marked = PlannedChapter("Epilogue", 3, start=9000.0, book_start=9000.25)
    assert inside.offset == 754.5 and inside.book_start is None
    assert marked.book_start == 9000.25


def test_chapters_are_values_and_the_plan_speaks_of_the_same_type():
    assert PlannedChapter("A", 0) == PlannedChapter("A", 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        PlannedChapter("A", 0).title = "B"  # type: ignore[misc]
    assert plan.PlannedChapter is PlannedChapter
