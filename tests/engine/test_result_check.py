"""The made book is checked before it is placed: a book that plays its planned samples
with every chapter in place passes; each way of being wrong is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.encoded import EncodedBook
from aiom4b_tui.engine.failures import ConversionError
from aiom4b_tui.engine.mp4.finish import finish_book
from aiom4b_tui.engine.result_check import check_result
from tests.helpers.audio import make_tone

pytestmark = pytest.mark.integration

RATE = 44100
SAMPLES = 3 * RATE + 333
STARTS = [0, RATE, 2 * RATE + 17]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished book of SAMPLES samples with chapters at STARTS (never changed)."""
    folder = tmp_path_factory.mktemp("book")
    muxed = make_tone(folder / "audio.m4a", 0, rate=RATE, channels=1, codec="m4a", samples=SAMPLES)
    made = folder / "book.m4b"
    finish_book(muxed, made, titles=["A", "B", "C"], starts=STARTS, total=SAMPLES, priming=1024)
    return made


def encoded(total: int = SAMPLES) -> EncodedBook:
    return EncodedBook("audio.aac", [0], total, 1024, RATE)


def test_the_planned_book_passes(book: Path):
    check_result(book, encoded(), STARTS)


def test_a_sample_more_or_less_than_planned_is_refused(book: Path):
    with pytest.raises(ConversionError, match=f"plays {SAMPLES} samples, {SAMPLES + 1} planned"):
        check_result(book, encoded(SAMPLES + 1), STARTS)


def test_a_book_far_from_the_sources_length_is_refused(book: Path):
    with pytest.raises(ConversionError, match=r"lasts 3\.008 s where the sources decode to 4"):
        check_result(book, encoded(SAMPLES + RATE), STARTS)


def test_a_missing_or_misplaced_chapter_is_refused(book: Path):
    with pytest.raises(ConversionError, match="has 3 chapters, 4 planned"):
        check_result(book, encoded(), [*STARTS, 3 * RATE])
    late = [0, RATE + 100, 2 * RATE + 17]  # 2.3 ms late: past the 1 ms allowed
    with pytest.raises(ConversionError, match="chapter 'B' is misplaced"):
        check_result(book, encoded(), late)
    check_result(book, encoded(), [0, RATE + 40, 2 * RATE + 17])  # within 1 ms: fine


def test_a_file_that_does_not_read_back_is_refused(tmp_path: Path):
    junk = tmp_path / "book.m4b"
    junk.write_bytes(b"not an mp4 at all")
    with pytest.raises(ConversionError, match="cannot be read back"):
        check_result(junk, encoded(), STARTS)
