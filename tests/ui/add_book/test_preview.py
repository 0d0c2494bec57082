"""What the add dialog shows of a book-to-be is the worker's own plan (the library's
generated MP3s, read for real): files in natural order, chapters from the title tags,
the tags, the file name, the length and the audio format; the job's options (files as
edited) planned the same way; a folder that cannot make a book says why."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.ui.add_book.preview import TAG_FIELDS, build_preview, unreadable_preview


def test_the_preview_is_the_workers_plan(settings, library):
    plan = build_preview([library / "Dune"], settings)
    assert plan.error is None
    assert [f.name for f in plan.files] == ["1 part.mp3", "2 part.mp3", "10 part.mp3"]
    assert [c.title for c in plan.chapters] == ["Part 1", "Part 2", "Part 10"]
    assert [c.file_index for c in plan.chapters] == [0, 1, 2]
    assert (plan.tags["title"], plan.tags["author"], plan.tags["narrator"]) == (
        "Dune",
        "Frank Herbert",
        "Scott Brick",
    )
    assert set(plan.tags) == set(TAG_FIELDS)
    assert plan.output_name == "Frank Herbert - Dune"
    assert plan.output_path is not None and plan.output_path.name == "Frank Herbert - Dune.m4b"
    assert 2.5 < plan.duration < 3.5 and plan.audio_format.startswith("AAC ")
    assert plan.expected_bytes > 0 and len(plan.sources) == 3


def test_the_files_as_edited_are_planned(settings, library):
    options = JobOptions(files=["10 part.mp3", "1 part.mp3"])
    plan = build_preview([library / "Dune"], settings, options)
    assert [f.name for f in plan.files] == ["10 part.mp3", "1 part.mp3"]
    assert [c.title for c in plan.chapters] == ["Part 10", "Part 1"]


def test_two_folders_name_their_files_by_folder(settings, library):
    plan = build_preview([library / "Dune", library / "Emma"], settings)
    assert [f.name for f in plan.files][-1] == "Emma/01.mp3"


def test_a_folder_without_audio_says_why(settings, library):
    plan = build_preview([library / "Notes"], settings)
    assert plan.error is not None and "no audio files" in plan.error
    assert plan.files == [] and plan.chapters == []


def test_an_unreadable_preview_keeps_the_folders_name():
    plan = unreadable_preview([Path("/books/Lost")], "gone")
    assert (plan.error, plan.tags["title"], plan.output_name) == ("gone", "Lost", "Lost")
    assert plan.duration == 0.0 and plan.cover is None
