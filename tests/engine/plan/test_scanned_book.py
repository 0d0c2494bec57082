"""The one way a scanned book is planned: the sources' extra tags and a chapter file
read from the disk, then the plan, with the lines worth logging about it."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.id3 import ID3, TIT3

from aiom4b_tui.engine.chapters.edit import Silence
from aiom4b_tui.engine.chapters.files import ChapterFileError
from aiom4b_tui.engine.plan.scanned_book import plan_scanned_book, read_plan_inputs
from aiom4b_tui.engine.sources.scan import scan_book
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.audio import make_tone

pytestmark = pytest.mark.integration


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """One 6-second MP3 whose subtitle only an ID3 frame holds, and a chapter file."""
    folder = tmp_path / "Book"
    folder.mkdir()
    mp3 = make_tone(folder / "book.mp3", 6.0, rate=22050, channels=1, tags={"album": "B"})
    tags = ID3(mp3)
    tags.add(TIT3(encoding=3, text="A Subtitle"))
    tags.save(mp3)
    (folder / "chapters.txt").write_text("00:00:00.000 Start\n00:00:02.500 Middle\n")
    return folder


def test_the_inputs_are_the_extra_tags_and_the_chapter_file_beside_the_book(book: Path):
    inputs = read_plan_inputs(scan_book([book]), JobOptions())
    assert inputs.source_tags["subtitle"] == "A Subtitle"
    assert [(m.start, m.title) for m in inputs.chapter_marks or []] == [
        (0.0, "Start"),
        (2.5, "Middle"),
    ]
    assert inputs.notes == ["2 chapters from chapters.txt (beside the book)"]
    assert inputs.plan_kwargs() == {
        "source_tags": inputs.source_tags,
        "chapter_marks": inputs.chapter_marks,
    }


def test_the_plan_is_made_from_them_with_the_notes(book: Path, tmp_path: Path):
    plan, notes = plan_scanned_book(
        scan_book([book]), JobOptions(), output_dir=tmp_path / "out", encoders=("aac",)
    )
    assert [c.title for c in plan.chapters] == ["Start", "Middle"]
    assert plan.tags["subtitle"] == "A Subtitle"
    assert plan.output_folder == tmp_path / "out"
    assert notes == ["2 chapters from chapters.txt (beside the book)"]


def test_silences_split_a_chapter_longer_than_the_limit(book: Path, tmp_path: Path):
    (book / "chapters.txt").unlink()
    options = JobOptions(max_chapter_minutes=0.07)  # 4.2 s: the 6 s file is cut once
    plan, notes = plan_scanned_book(
        scan_book([book]),
        options,
        output_dir=tmp_path / "out",
        encoders=("aac",),
        silences=[Silence(0, 2.9, 3.1)],
    )
    assert [round(c.offset, 2) for c in plan.chapters] == [0.0, 3.0] and notes == []


def test_a_chapter_file_the_job_names_must_be_readable(book: Path, tmp_path: Path):
    bad = tmp_path / "bad.cue"
    bad.write_text("not a cue sheet")
    with pytest.raises(ChapterFileError, match=r"bad\.cue"):
        read_plan_inputs(scan_book([book]), JobOptions(chapters_file=bad))
