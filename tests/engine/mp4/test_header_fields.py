"""The header boxes' fields: movie and media timescales and durations, track ids, the
handler, the edit list; times past 32 bits make the box version 1."""

from __future__ import annotations

import struct

import pytest

from aiom4b_tui.engine.mp4.boxes import MP4Error, container, leaf
from aiom4b_tui.engine.mp4.header_fields import (
    edit_list,
    handler_type,
    hdlr_payload,
    mdhd_payload,
    media_duration,
    media_timescale,
    movie_duration,
    movie_timescale,
    next_track_id,
    rescale,
    set_edit_list,
    set_movie_header,
    set_next_track_id,
    set_track_duration,
    tkhd_payload,
    track_duration,
    track_id,
)
from tests.helpers.mp4_boxes import mvhd_v0

BIG = 48_000 * 3600 * 30  # 30 hours at 48 kHz: past 32 bits


def test_movie_and_track_times_past_32_bits_become_version_1():
    moov = container(b"moov", mvhd_v0(1000, 5000))
    set_movie_header(moov, 48_000, BIG)
    assert (movie_timescale(moov), movie_duration(moov)) == (48_000, BIG)
    assert moov.find(b"mvhd").payload[0] == 1
    assert struct.unpack(">I", moov.find(b"mvhd").payload[-4:])[0] == 3  # next track id kept
    trak = container(b"trak", leaf(b"tkhd", tkhd_payload(7, 10, flags=3)))
    set_track_duration(trak, BIG)
    assert (track_duration(trak), track_id(trak)) == (BIG, 7)
    set_edit_list(trak, [(BIG, 2048)])
    assert edit_list(trak) == [(BIG, 2048)]
    assert [c.kind for c in trak.children] == [b"tkhd", b"edts"]
    mdia = container(b"mdia", leaf(b"mdhd", mdhd_payload(48_000, BIG)))
    media = container(b"trak", mdia)
    assert (media_timescale(media), media_duration(media)) == (48_000, BIG)


def test_small_times_stay_version_0_and_read_back():
    moov = container(b"moov", mvhd_v0(1000, 5000))
    assert (movie_timescale(moov), movie_duration(moov)) == (1000, 5000)
    set_movie_header(moov, 44_100, 44_100 * 60)
    assert moov.find(b"mvhd").payload[0] == 0
    assert (movie_timescale(moov), movie_duration(moov)) == (44_100, 44_100 * 60)
    trak = container(b"trak", leaf(b"tkhd", tkhd_payload(2, 100, flags=3)))
    set_track_duration(trak, 200)
    assert trak.find(b"tkhd").payload[0] == 0 and track_duration(trak) == 200


def test_the_next_track_id_and_the_handler():
    moov = container(b"moov", mvhd_v0(1000, 5000))
    assert next_track_id(moov) == 3
    set_next_track_id(moov, 4)
    assert next_track_id(moov) == 4 and movie_timescale(moov) == 1000
    trak = container(b"trak", container(b"mdia", leaf(b"hdlr", hdlr_payload(b"text", "Chapters"))))
    assert handler_type(trak) == b"text"
    assert handler_type(container(b"trak")) is None


def test_an_edit_list_replaced_sits_after_the_track_header():
    trak = container(b"trak", leaf(b"tkhd", tkhd_payload(1, 10, flags=3)), container(b"mdia"))
    assert edit_list(trak) == []
    set_edit_list(trak, [(44_100, 1024)])
    set_edit_list(trak, [(-1 & 0xFFFFFFFF, -1), (88_200, 2048)])  # an empty edit, then media
    assert edit_list(trak) == [(0xFFFFFFFF, -1), (88_200, 2048)]
    assert [c.kind for c in trak.children] == [b"tkhd", b"edts", b"mdia"]
    elst = trak.find(b"edts", b"elst").payload
    assert elst[0] == 0 and struct.unpack(">I", elst[4:8])[0] == 2


def test_rescale_rounds_to_the_nearest_tick():
    assert rescale(44_100, 44_100, 1000) == 1000
    assert rescale(1, 3, 2) == 1  # 0.67 -> 1
    assert rescale(1, 4, 2) == 1  # 0.5 rounds up
    assert rescale(1, 5, 2) == 0  # 0.4 -> 0
    assert rescale(BIG, 48_000, 48_000) == BIG


def test_a_missing_header_box_is_an_mp4_error():
    with pytest.raises(MP4Error, match="no mvhd box"):
        movie_timescale(container(b"moov"))
    with pytest.raises(MP4Error, match=r"no mdia\.mdhd box"):
        media_timescale(container(b"trak"))
    mdia = container(b"mdia", leaf(b"mdhd", mdhd_payload(8000, 80)))
    assert media_duration(container(b"trak", mdia)) == 80
    assert track_id(container(b"trak", leaf(b"tkhd", tkhd_payload(9, 1, flags=2)))) == 9
