"""The cheap look before a job is queued: folders without audio are refused at once,
named, and nothing is decoded to tell."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.engine.sources.book_check import missing_audio


def test_folders_with_audio_by_their_names_pass(tmp_path: Path):
    for disc in ("CD1", "CD2"):
        (tmp_path / disc).mkdir()
        (tmp_path / disc / "01.mp3").write_bytes(b"ID3 not decoded: the name tells")
    assert missing_audio([tmp_path / "CD1", tmp_path / "CD2"]) is None
    assert missing_audio([]) is None


def test_an_empty_folder_is_named(tmp_path: Path):
    (tmp_path / "Book").mkdir()
    (tmp_path / "Empty").mkdir()
    (tmp_path / "Book" / "1.flac").write_bytes(b"fLaC")
    assert missing_audio([tmp_path / "Book", tmp_path / "Empty"]) == (
        f"no audio files in {tmp_path / 'Empty'}: the folder is empty"
    )


def test_a_folder_of_other_files_says_how_many_were_skipped(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("a text")
    assert missing_audio([tmp_path]) == f"no audio files in {tmp_path} (1 other file skipped)"
    (tmp_path / "readme.txt").write_text("another")
    assert missing_audio([tmp_path]) == f"no audio files in {tmp_path} (2 other files skipped)"


def test_a_folder_that_cannot_be_read_is_named(tmp_path: Path):
    gone = tmp_path / "gone"
    assert missing_audio([gone]) == f"cannot read the folder {gone}: No such file or directory"
