"""Chapters as a person edits them: files reordered or left out, chapters renamed,
merged, split; chapter-file marks placed on the files; parts whose chapter runs on."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.chapters.files import ChapterMark
from aiom4b_tui.engine.plan.plan import make_plan
from aiom4b_tui.engine.sources.scan import AudioFile, BookScan, ScanError
from aiom4b_tui.job_options.model import ChapterEntry, JobOptions


def audio(rel: str, seconds: float = 10.0, chapters=()) -> AudioFile:
    return AudioFile(Path("/b") / rel, rel, seconds, "mp3", 44100, 2, 128_000, {}, chapters, False)


SCAN = BookScan(
    [Path("/b")], [audio("01 One.mp3"), audio("02 Two.mp3"), audio("03 Three.mp3")], [], None
)


def plan(options: JobOptions, scan: BookScan = SCAN, **kwargs):
    return make_plan(scan, options, output_dir=Path("/out"), **kwargs)


def test_files_reordered_and_left_out():
    made = plan(JobOptions(files=["03 Three.mp3", "01 One.mp3"]))
    assert [f.rel for f in made.files] == ["03 Three.mp3", "01 One.mp3"]
    assert [c.title for c in made.chapters] == ["Three", "One"]
    assert made.duration == 20.0
    with pytest.raises(ScanError, match="none of the files"):
        plan(JobOptions(files=["gone.mp3"]))


def test_edited_chapters_renamed_merged_and_split():
    entries = [
        ChapterEntry(title="Prologue", file="01 One.mp3"),
        ChapterEntry(title="Middle part", file="01 One.mp3", offset=4.5),  # a split
        ChapterEntry(title="End", file="03 Three.mp3"),  # Two merged into Middle part
    ]
    made = plan(JobOptions(chapters=entries))
    assert [(c.title, c.file_index, c.offset, c.start) for c in made.chapters] == [
        ("Prologue", 0, 0.0, 0.0),
        ("Middle part", 0, 4.5, 4.5),
        ("End", 2, 0.0, 20.0),
    ]
    reordered = plan(JobOptions(chapters=entries, files=["03 Three.mp3", "01 One.mp3"]))
    assert [(c.title, c.start) for c in reordered.chapters] == [
        ("End", 0.0),
        ("Prologue", 10.0),
        ("Middle part", 14.5),
    ]


def test_blank_chapter_titles_are_refused():
    with pytest.raises(ValueError, match="chapter title is blank"):
        ChapterEntry(title="  ", file="x")


def test_chapter_file_marks_land_on_the_right_files_past_the_end_dropped():
    marks = [
        ChapterMark(0.0, "A"),
        ChapterMark(15.0, "B"),
        ChapterMark(15.0, "dup"),
        ChapterMark(31.0, "late"),
    ]
    made = plan(JobOptions(), chapter_marks=marks)
    assert [(c.title, c.file_index, c.offset, c.book_start) for c in made.chapters] == [
        ("A", 0, 0.0, 0.0),
        ("B", 1, 5.0, 15.0),
    ]
    per_file = [ChapterMark(2.0, "In two", "02 two.MP3")]
    made = plan(JobOptions(), chapter_marks=per_file)
    assert [(c.title, c.file_index, c.offset, c.book_start) for c in made.chapters] == [
        ("In two", 1, 2.0, None)
    ]


def test_a_chapter_running_on_into_the_next_part_is_one():
    parts = [
        audio("p1.m4b", 10.0, ((0.0, "Ch 1"), (5.0, "Ch 2"))),
        audio("p2.m4b", 10.0, ((0.0, "Ch 2"), (4.0, "Ch 3"))),
        audio("p3.m4b", 10.0, ((0.0, "Ch 3"),)),
    ]
    made = plan(JobOptions(), BookScan([Path("/b")], parts, [], None))
    assert [(c.title, c.start) for c in made.chapters] == [
        ("Ch 1", 0.0),
        ("Ch 2", 5.0),
        ("Ch 3", 14.0),
    ]
