"""Chapter starts in output samples, from where each file was decoded to begin."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from aiom4b_tui.engine.chapters.chapter import PlannedChapter
from aiom4b_tui.engine.encode.chapter_starts import chapter_starts
from aiom4b_tui.engine.encode.encoded import EncodedBook
from tests.helpers.book_plan import a_plan, stand_in_sources

RATE = 44100


def book(file_starts: list[int], total: int) -> EncodedBook:
    return EncodedBook("book.aac", file_starts, total, 1024, RATE)


def test_a_chapter_per_file_starts_where_its_file_was_decoded_to_begin(tmp_path: Path):
    plan = a_plan(stand_in_sources(tmp_path / "book"))  # three files, a chapter each
    # Decoded lengths with odd sample counts: nothing rounds to the probed 10 s each.
    decoded = book([0, 441_013, 882_777], 1_323_001)
    assert chapter_starts(plan, decoded) == [0, 441_013, 882_777]


def test_offsets_into_a_file_and_exact_book_starts_count_in_samples(tmp_path: Path):
    plan = a_plan(stand_in_sources(tmp_path / "book"))
    chapters = [
        PlannedChapter("Opening", 0),
        PlannedChapter("Inside 2", 1, offset=1.5),  # a source's own chapter
        PlannedChapter("From a chapter file", 2, book_start=25.25),
    ]
    decoded = book([0, 441_013, 882_777], 1_323_001)
    starts = chapter_starts(dataclasses.replace(plan, chapters=chapters), decoded)
    assert starts == [0, 441_013 + round(1.5 * RATE), round(25.25 * RATE)]


def test_a_book_start_counts_from_where_the_first_file_begins(tmp_path: Path):
    plan = a_plan(stand_in_sources(tmp_path / "book", count=1))
    plan = dataclasses.replace(plan, chapters=[PlannedChapter("A", 0, book_start=2.0)])
    assert chapter_starts(plan, book([1024], 50_000)) == [1024 + 2 * RATE]
