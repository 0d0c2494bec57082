"""The MP4 box tree: parse and write back byte for byte; times past 32 bits; co64."""

from __future__ import annotations

import struct

from aiom4b_tui.engine.mp4.boxes import (
    Box,
    chunk_offsets,
    container,
    leaf,
    parse_boxes,
    set_chunk_offsets,
)
from aiom4b_tui.engine.mp4.chapter_track import chapter_trak, chpl_box, text_sample
from aiom4b_tui.engine.mp4.header_fields import (
    edit_list,
    mdhd_payload,
    media_duration,
    media_timescale,
    movie_duration,
    movie_timescale,
    set_edit_list,
    set_movie_header,
    set_track_duration,
    tkhd_payload,
    track_duration,
    track_id,
)

BIG = 48_000 * 3600 * 30  # 30 hours at 48 kHz: past 32 bits


def _mvhd_v0(timescale: int, duration: int) -> Box:
    body = struct.pack(">IIIII", 0, 0, 0, timescale, duration) + bytes(76) + struct.pack(">I", 3)
    return leaf(b"mvhd", body)


def test_boxes_round_trip_byte_for_byte():
    moov = container(
        b"moov",
        _mvhd_v0(1000, 5000),
        container(b"trak", leaf(b"tkhd", tkhd_payload(1, 5000, flags=3)), leaf(b"xyzw", b"\x01")),
    )
    data = moov.to_bytes()
    (parsed,) = parse_boxes(data)
    assert parsed.to_bytes() == data
    assert parsed.find(b"trak", b"xyzw").payload == b"\x01"


def test_movie_and_track_times_past_32_bits_become_version_1():
    moov = container(b"moov", _mvhd_v0(1000, 5000))
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


def test_chunk_offsets_switch_to_co64_past_4_gib():
    stbl = container(b"stbl", leaf(b"stco", struct.pack(">III", 0, 1, 40)))
    assert chunk_offsets(stbl) == [40]
    set_chunk_offsets(stbl, [40, 5 << 30])
    assert stbl.find(b"stco") is None and chunk_offsets(stbl) == [40, 5 << 30]


def test_chapter_track_durations_and_nero_list():
    trak = chapter_trak(2, [0, 441, 1000], 1500, 44_100, 44_100)
    stts = trak.find(b"mdia", b"minf", b"stbl", b"stts").payload
    assert struct.unpack(">II", stts[:8]) == (0, 3)
    assert struct.unpack(">6I", stts[8:]) == (1, 441, 1, 559, 1, 500)
    assert text_sample("é") == b"\x00\x02\xc3\xa9" + struct.pack(">I4sI", 12, b"encd", 0x100)
    chpl = chpl_box(["a", "b"], [0.0, 1.5]).payload
    assert chpl[8] == 2 and struct.unpack(">Q", chpl[19:27])[0] == 15_000_000
