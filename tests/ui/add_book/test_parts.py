"""The add dialog's helpers that need no screen: the plan as the chapter editor's draft,
where the book will go, the book's facts in a line, the folders in the heading, a path
with `~`, and a refused value in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from aiom4b_tui.ui.add_book.parts import (
    book_covers,
    draft_of_preview,
    entries_of_preview,
    facts_text,
    folders_text,
    planned_output,
    shown_path,
    validation_text,
)
from aiom4b_tui.ui.add_book.preview import (
    BookPreview,
    PreviewChapter,
    PreviewFile,
    unreadable_preview,
)


def preview(**fields) -> BookPreview:
    """Two files of a minute, a chapter each; AAC 64k mono, about 960 kB."""
    values = dict(
        folders=[Path("/books/Dune")],
        files=[PreviewFile("01.mp3", 60.0, "01.mp3"), PreviewFile("02.mp3", 60.0, "02.mp3")],
        chapters=[PreviewChapter(" ", 0.0, 0, 0.0), PreviewChapter("Two", 60.0, 1, -0.01)],
        tags={"title": "Dune", "author": "Frank Herbert", "year": ""},
        output_name="Frank Herbert - Dune",
        cover=None,
        duration=120.0,
        expected_bytes=960_000,
        audio_format="AAC 64k mono",
        output_path=Path("/out/Frank Herbert - Dune.m4b"),
    )
    return BookPreview(**(values | fields))


def test_the_plan_as_the_editors_draft():
    draft = draft_of_preview(preview())
    assert [(f.rel, f.seconds) for f in draft.files] == [("01.mp3", 60.0), ("02.mp3", 60.0)]
    # A blank title is named by its number; an offset a hair before its file is 0.
    assert [(e.title, e.file, e.offset) for e in entries_of_preview(preview())] == [
        ("Chapter 1", "01.mp3", 0.0),
        ("Two", "02.mp3", 0.0),
    ]


def test_where_the_book_will_go(tmp_path):
    plan = preview()
    default = tmp_path / "out"
    assert planned_output(plan, JobOptions(), default) == default / "Frank Herbert - Dune.m4b"
    named = JobOptions(output_name="Dune (unabridged)", output_dir=tmp_path / "elsewhere")
    assert planned_output(plan, named, default) == tmp_path / "elsewhere" / "Dune (unabridged).m4b"
    retitled = JobOptions(tags=TagOverrides(title="Dune Messiah"))
    assert planned_output(plan, retitled, default).name == "Frank Herbert - Dune Messiah.m4b"
    assert planned_output(preview(output_path=None), JobOptions(), default) is None


def test_the_books_facts_follow_the_draft():
    plan = preview(notes=["left out (not audio): notes.txt"])
    assert facts_text(plan, None).plain == (
        "2 files · 2m · 2 chapters · about 960 kB · AAC 64k mono\nleft out (not audio): notes.txt"
    )
    draft = draft_of_preview(plan)
    draft.toggle_file("02.mp3")  # half the book: half the size
    assert facts_text(plan, draft).plain.startswith("1 file · 1m · 1 chapter · about 480 kB")
    broken = unreadable_preview([Path("/books/Notes")], "no audio files in /books/Notes")
    assert facts_text(broken, None).plain == "Cannot make a book: no audio files in /books/Notes"


def test_the_folders_in_the_heading(tmp_path):
    root = tmp_path / "Audiobooks"
    books = [root / "Middlemarch" / "CD1", root / "Middlemarch" / "CD2"]
    assert folders_text(books, root) == "Middlemarch/CD1 + Middlemarch/CD2"
    assert folders_text([Path("/elsewhere/Emma")], root) == "Emma"
    assert folders_text([root / ("x" * 80)], root, width=10) == "xxxxxxxxx…"
    assert folders_text([root / "Dune\x1b[2J"], None) == "Dune␛[2J"


def test_a_path_under_home_with_a_tilde(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert shown_path(tmp_path / "Audiobooks") == "~/Audiobooks"
    assert shown_path(Path("/srv/books")) == "/srv/books"


def test_a_refused_value_in_words():
    with pytest.raises(ValidationError) as refused:
        TagOverrides(year="abcd")
    assert validation_text(refused.value).startswith("year: ")
    assert "Value error" not in validation_text(refused.value)


def test_a_book_that_cannot_be_made_has_no_covers():
    assert book_covers(unreadable_preview([Path("/books/Notes")], "no audio")) == ([], None)
