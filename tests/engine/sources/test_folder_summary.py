"""What the folder picker is told of a folder: its audio files in natural order, their
count and length (cached until the folder changes), and a title guessed from the first
file's tags."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aiom4b_tui.engine.sources.folder_summary import (
    FolderSummary,
    audio_files_in,
    audio_seconds,
    guess_title,
    is_audio_file,
    is_hidden,
    summarize_folder,
)
from tests.helpers.audio import make_tone


def test_hidden_files_and_macos_companions_are_not_audio(tmp_path: Path):
    assert is_hidden(Path("._01.mp3")) and is_hidden(Path(".DS_Store"))
    assert not is_hidden(Path("01.mp3"))
    (tmp_path / "._01.mp3").write_bytes(b"AppleDouble")
    (tmp_path / "01.mp3").write_bytes(b"ID3")
    assert not is_audio_file(tmp_path / "._01.mp3") and is_audio_file(tmp_path / "01.mp3")


def test_audio_files_come_in_natural_order_and_only_from_the_folder_itself(tmp_path: Path):
    for name in ("10.mp3", "2.mp3", "1.MP3", "cover.jpg"):
        (tmp_path / name).write_bytes(b"ID3")
    (tmp_path / "CD2").mkdir()
    (tmp_path / "CD2" / "1.mp3").write_bytes(b"ID3")
    assert [p.name for p in audio_files_in(tmp_path)] == ["1.MP3", "2.mp3", "10.mp3"]
    assert audio_files_in(tmp_path / "absent") == []


def test_a_file_that_cannot_be_read_has_no_length(tmp_path: Path):
    (tmp_path / "broken.mp3").write_bytes(b"\x00" * 100)
    assert audio_seconds(tmp_path / "broken.mp3") == 0.0
    assert audio_seconds(tmp_path / "absent.mp3") == 0.0
    assert summarize_folder(tmp_path / "absent") == FolderSummary(0, 0.0)


@pytest.mark.integration
def test_a_folder_is_counted_and_timed_and_read_again_only_once_it_changes(tmp_path: Path):
    make_tone(tmp_path / "1.mp3", 1.0, rate=22050, channels=1)
    make_tone(tmp_path / "2.mp3", 2.0, rate=22050, channels=1)
    summary = summarize_folder(tmp_path)
    assert summary.audio_files == 2 and summary.seconds == pytest.approx(
        3.0, abs=0.2
    )  # an MP3 adds a frame or two
    (tmp_path / "2.mp3").write_bytes(b"")  # the folder's mtime stays: the answer is kept
    os.utime(tmp_path, ns=(tmp_path.stat().st_atime_ns, tmp_path.stat().st_mtime_ns))
    assert summarize_folder(tmp_path) is summary
    make_tone(tmp_path / "3.mp3", 1.0, rate=22050, channels=1)  # a new file: read again
    again = summarize_folder(tmp_path)
    assert again.audio_files == 3 and again.seconds == pytest.approx(2.0, abs=0.2)


@pytest.mark.integration
def test_title_is_album_and_author_of_the_first_file(tmp_path: Path):
    book = tmp_path / "dune_rip"
    (book / "CD2").mkdir(parents=True)
    (book / "CD1").mkdir()
    make_tone(book / "CD2" / "01.mp3", 0.2, tags={"album": "Wrong", "artist": "X"})
    make_tone(book / "CD1" / "01.mp3", 0.2, tags={"album": "Dune", "artist": "Frank Herbert"})
    assert guess_title([book]) == "Dune · Frank Herbert"


@pytest.mark.integration
def test_no_album_tag_no_guess(tmp_path: Path):
    book = tmp_path / "b"
    book.mkdir()
    make_tone(book / "01.mp3", 0.2, tags={"title": "Part 1"})
    assert guess_title([book]) is None
    assert guess_title([tmp_path / "empty"]) is None
