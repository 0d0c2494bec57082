"""A book of clean MP3s read by each segment's encoder: its timeline from the frame
tables, every span of it, across files, bit-identical to a whole decode; books that need
the decode pass are told apart."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.sliced_input import SlicedSources, slice_sources
from aiom4b_tui.engine.plan.plan import make_plan
from aiom4b_tui.engine.sources.scan import scan_book
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.audio import make_image, make_tone
from tests.helpers.mp3_variants import decode_f32, make_mp3_variant

pytestmark = pytest.mark.integration


def sliced_book(folder: Path, options: JobOptions | None = None) -> SlicedSources | None:
    plan = make_plan(scan_book([folder]), options or JobOptions(), output_dir=folder.parent)
    return slice_sources(plan)


def test_a_book_reads_across_file_boundaries_exactly(tmp_path: Path, ffmpeg: str):
    # A mono file in a stereo book is brought to stereo as the decode pass would.
    book = tmp_path / "book"
    book.mkdir()
    make_mp3_variant(book / "1.mp3", 44100, 2, ["-b:a", "128k"], ffmpeg)
    make_mp3_variant(book / "2.mp3", 44100, 1, ["-b:a", "64k", "-write_xing", "0"], ffmpeg)
    make_mp3_variant(book / "3.mp3", 44100, 2, ["-q:a", "6"], ffmpeg)
    make_image(book / "cover.jpg")
    sliced = sliced_book(book)
    assert sliced is not None and sliced.layout == "stereo"
    whole = array("f")
    for name in ("1.mp3", "2.mp3", "3.mp3"):
        whole.extend(decode_f32(ffmpeg, ["-i", str(book / name), "-ac", "2"]))
    assert len(whole) == 2 * sliced.total
    first, second, third = sliced.file_starts
    assert first == 0 and second == sliced.sources[0].samples
    for start, end in [(0, sliced.total), (second - 5000, third + 5000), (third - 1, third + 1)]:
        got = decode_f32(ffmpeg, sliced.input_args(start, end))
        assert got == whole[2 * start : 2 * end], (start, end)
    with pytest.raises(ValueError):
        sliced.input_args(0, sliced.total + 1)


def test_books_that_need_a_decode_pass(tmp_path: Path, ffmpeg: str):
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    make_tone(mixed / "1.mp3", 1.0)
    make_tone(mixed / "2.flac", 1.0, codec="flac")
    assert sliced_book(mixed) is None
    rates = tmp_path / "rates"
    rates.mkdir()
    make_tone(rates / "1.mp3", 1.0, rate=44100)
    make_tone(rates / "2.mp3", 1.0, rate=22050)  # the output is 44.1 kHz: a resample
    assert sliced_book(rates) is None
    plain = tmp_path / "plain"
    plain.mkdir()
    make_tone(plain / "1.mp3", 1.0)
    assert sliced_book(plain) is not None
    assert sliced_book(plain, JobOptions(sample_rate=22050)) is None
