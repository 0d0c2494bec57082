"""The last step of an .m4b, on files ffmpeg muxed: timing to the sample (an edit list
skipping the priming and ending on the last real sample), chapters, the audiobook
brand; chapters replaced later without touching the audio."""

from __future__ import annotations

import stat
import struct
from pathlib import Path

import pytest

from aiom4b_tui.engine.mp4.boxes import MP4Error
from aiom4b_tui.engine.mp4.chapters import chapter_starts_in_units, read_chapters
from aiom4b_tui.engine.mp4.finish import (
    book_length,
    file_brand,
    finish_book,
    played_samples,
    set_book_chapters,
)
from tests.helpers.audio import decode_pcm, make_tone
from tests.helpers.mp4_probe import decoded_samples

pytestmark = pytest.mark.integration

RATE = 44100
SAMPLES = 3 * RATE + 333  # not a whole number of AAC frames
PRIMING = 1024  # ffmpeg's aac


@pytest.fixture
def muxed(tmp_path: Path) -> Path:
    """What ffmpeg muxes: a mono AAC tone of SAMPLES samples in an .m4a."""
    return make_tone(tmp_path / "audio.m4a", 0, rate=RATE, channels=1, codec="m4a", samples=SAMPLES)


def test_the_book_plays_exactly_its_samples_with_chapters_and_the_brand(
    muxed: Path, tmp_path: Path
):
    book = tmp_path / "book.m4b"
    starts = [0, RATE, 2 * RATE + 17]
    finish_book(
        muxed, book, titles=["One", "Two", "Three"], starts=starts, total=SAMPLES, priming=PRIMING
    )
    assert not muxed.exists()  # used up: rewritten in place, then renamed
    assert file_brand(book) == b"M4B "
    assert round(book_length(book) * RATE) == SAMPLES
    assert played_samples(book) == SAMPLES
    assert decoded_samples(book, 1) == SAMPLES  # a reader that honours the edit list
    timescale, found = chapter_starts_in_units(book)
    assert timescale == RATE and [s for s, _t in found] == starts
    assert [c.title for c in read_chapters(book)] == ["One", "Two", "Three"]


def test_played_samples_count_at_another_rate_and_only_for_mp4(muxed: Path, tmp_path: Path):
    book = tmp_path / "book.m4b"
    finish_book(muxed, book, titles=["A"], starts=[0], total=SAMPLES, priming=PRIMING)
    assert played_samples(book, 2 * RATE) == 2 * SAMPLES
    mp3 = make_tone(tmp_path / "a.mp3", 1.0)
    assert played_samples(mp3) is None
    assert played_samples(tmp_path / "absent.m4a") is None


def test_new_chapters_leave_the_audio_and_the_files_mode_as_they_were(muxed: Path, tmp_path: Path):
    book = tmp_path / "book.m4b"
    finish_book(muxed, book, titles=["A", "B"], starts=[0, RATE], total=SAMPLES, priming=PRIMING)
    book.chmod(0o640)
    before = decode_pcm(book)
    set_book_chapters(book, ["Prologue", "Middle", "End"], [0.0, 1.25, 2.5])
    assert [(c.start, c.title) for c in read_chapters(book)] == [
        (0.0, "Prologue"),
        (1.25, "Middle"),
        (2.5, "End"),
    ]
    assert decode_pcm(book) == before
    assert stat.S_IMODE(book.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    with pytest.raises(ValueError):
        set_book_chapters(book, [], [])


def test_a_file_without_a_type_box_has_no_brand(tmp_path: Path):
    odd = tmp_path / "odd.m4a"
    odd.write_bytes(struct.pack(">I4s", 8, b"free"))
    with pytest.raises(MP4Error, match="no ftyp box"):
        file_brand(odd)


def test_the_length_of_a_file_ffmpeg_muxed_is_what_its_edit_list_plays(muxed: Path):
    # ffmpeg's edit list skips the priming too; it ends near the tone's end (ffmpeg 5.1
    # writes it in milliseconds), not at the last frame's padding.
    assert book_length(muxed) == pytest.approx(SAMPLES / RATE, abs=0.001)
