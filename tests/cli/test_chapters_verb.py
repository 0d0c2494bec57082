"""`aiom4b chapters BOOK.m4b` (cli/chapters_verb.py): the chapters printed as a chapter
file (raw to a pipe, to be set again; with their control characters made visible on a
terminal), set from a file, and refused in a sentence when they cannot be."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from aiom4b_tui.cli import main
from aiom4b_tui.engine.mp4.chapters import read_chapters
from tests.helpers.audio import make_tone

CHAPTERS = "00:00:00.000 One\x1b]0;pwned\x07\n00:00:01.000 Two\n"


class _Terminal(io.StringIO):
    """Standard output that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A two-second AAC book with no chapters yet."""
    return make_tone(tmp_path / "Book.m4b", 2.0, codec="m4a")


@pytest.fixture
def chapter_file(tmp_path: Path) -> Path:
    path = tmp_path / "chapters.txt"
    path.write_text(CHAPTERS, encoding="utf-8")
    return path


def test_chapters_set_from_a_file_print_again_as_they_were_written(
    book: Path, chapter_file: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["chapters", str(book), "--set", str(chapter_file)]) == 0
    assert capsys.readouterr().out == f"2 chapters set in {book}\n"
    assert [(c.start, c.title) for c in read_chapters(book)] == [
        (0.0, "One\x1b]0;pwned\x07"),
        (1.0, "Two"),
    ]
    assert main(["chapters", str(book)]) == 0
    assert capsys.readouterr().out == CHAPTERS  # to a pipe: a chapter file to set again
    assert sorted(p.name for p in book.parent.iterdir()) == ["Book.m4b", "chapters.txt"]


def test_on_a_terminal_the_titles_control_characters_are_shown_not_sent(
    book: Path, chapter_file: Path, monkeypatch: pytest.MonkeyPatch
):
    assert main(["chapters", str(book), "--set", str(chapter_file)]) == 0
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["chapters", str(book)]) == 0
    assert terminal.getvalue() == "00:00:00.000 One␛]0;pwned␇\n00:00:01.000 Two\n"


def test_a_cue_sheet_of_several_files_is_not_set_on_one_book(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    cue = tmp_path / "two.cue"
    cue.write_text(
        'FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n    TITLE "A"\n    INDEX 01 00:00:00\n'
        'FILE "b.mp3" MP3\n  TRACK 02 AUDIO\n    TITLE "B"\n    INDEX 01 00:00:00\n'
    )
    before = book.read_bytes()
    assert main(["chapters", str(book), "--set", str(cue)]) == 1
    assert capsys.readouterr().err == (
        f"aiom4b: {cue}: a CUE sheet of several files cannot be set on one book\n"
    )
    assert book.read_bytes() == before


def test_a_missing_book_or_a_bad_chapter_file_exits_2(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    missing = tmp_path / "none.m4b"
    assert main(["chapters", str(missing)]) == 2
    assert capsys.readouterr().err == f"aiom4b: no such file: {missing}\n"
    bad = tmp_path / "bad.txt"
    bad.write_text("no times here\n")
    assert main(["chapters", str(book), "--set", str(bad)]) == 2
    assert capsys.readouterr().err.startswith(f"aiom4b: {bad}: line 1: ")
