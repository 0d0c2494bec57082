"""The chapter boxes built from starts and titles: a QuickTime text track (one sample a
chapter, durations run-length coded) and the Nero list (100 ns units)."""

from __future__ import annotations

import struct

import pytest

from aiom4b_tui.engine.mp4.chapter_track import (
    NERO_TIMESCALE,
    chapter_trak,
    chpl_box,
    stored_title,
    text_sample,
)
from aiom4b_tui.engine.mp4.header_fields import (
    handler_type,
    media_duration,
    media_timescale,
    track_duration,
    track_id,
)


def test_chapter_track_durations_and_nero_list():
    trak = chapter_trak(2, [0, 441, 1000], 1500, 44_100, 44_100)
    stts = trak.find(b"mdia", b"minf", b"stbl", b"stts").payload
    assert struct.unpack(">II", stts[:8]) == (0, 3)
    assert struct.unpack(">6I", stts[8:]) == (1, 441, 1, 559, 1, 500)
    assert text_sample("é") == b"\x00\x02\xc3\xa9" + struct.pack(">I4sI", 12, b"encd", 0x100)
    chpl = chpl_box(["a", "b"], [0.0, 1.5]).payload
    assert chpl[8] == 2 and struct.unpack(">Q", chpl[19:27])[0] == 15_000_000


def test_the_text_track_is_a_disabled_track_of_the_books_length():
    trak = chapter_trak(2, [0, 44_100], 441_000, 44_100, 1000)
    assert (track_id(trak), handler_type(trak)) == (2, b"text")
    assert (media_timescale(trak), media_duration(trak)) == (44_100, 441_000)
    assert track_duration(trak) == 10_000  # in the movie's timescale
    assert struct.unpack(">I", trak.find(b"tkhd").payload[:4])[0] & 0xFFFFFF == 2  # not enabled
    stts = trak.find(b"mdia", b"minf", b"stbl", b"stts").payload
    assert struct.unpack(">6I", stts) == (0, 2, 1, 44_100, 1, 396_900)


def test_equal_chapters_share_one_run_and_the_first_starts_at_zero():
    trak = chapter_trak(3, [500, 1000, 2000, 3000], 4000, 1000, 1000)  # the first taken as 0
    stts = trak.find(b"mdia", b"minf", b"stbl", b"stts").payload
    assert struct.unpack(">4I", stts) == (0, 1, 4, 1000)


@pytest.mark.parametrize("starts", [[], [0, 0], [0, 5000]])
def test_starts_that_do_not_increase_inside_the_book_are_refused(starts):
    with pytest.raises(ValueError):
        chapter_trak(2, starts, 4000, 1000, 1000)


def test_titles_are_cut_to_1024_bytes_of_utf8_never_inside_a_character():
    assert stored_title("Ça") == "Ça"
    long = "é" * 600  # 1200 bytes
    assert stored_title(long) == "é" * 512
    assert stored_title("a" + "é" * 600) == "a" + "é" * 511  # the cut half is dropped
    assert len(text_sample(long)) == 2 + 1024 + 12


def test_nero_titles_are_cut_to_255_bytes_and_starts_are_in_100_ns():
    chpl = chpl_box(["x" * 300], [2.5]).payload
    start, length = struct.unpack(">QB", chpl[9:18])
    assert (start, length) == (round(2.5 * NERO_TIMESCALE), 255)
