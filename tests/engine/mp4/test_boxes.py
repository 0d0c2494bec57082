"""The MP4 box tree: parse and write back byte for byte; chunk offsets as co64 past 4 GiB."""

from __future__ import annotations

import struct

from aiom4b_tui.engine.mp4.boxes import (
    chunk_offsets,
    container,
    leaf,
    parse_boxes,
    set_chunk_offsets,
)
from aiom4b_tui.engine.mp4.header_fields import tkhd_payload
from tests.helpers.mp4_boxes import mvhd_v0


def test_boxes_round_trip_byte_for_byte():
    moov = container(
        b"moov",
        mvhd_v0(1000, 5000),
        container(b"trak", leaf(b"tkhd", tkhd_payload(1, 5000, flags=3)), leaf(b"xyzw", b"\x01")),
    )
    data = moov.to_bytes()
    (parsed,) = parse_boxes(data)
    assert parsed.to_bytes() == data
    assert parsed.find(b"trak", b"xyzw").payload == b"\x01"


def test_chunk_offsets_switch_to_co64_past_4_gib():
    stbl = container(b"stbl", leaf(b"stco", struct.pack(">III", 0, 1, 40)))
    assert chunk_offsets(stbl) == [40]
    set_chunk_offsets(stbl, [40, 5 << 30])
    assert stbl.find(b"stco") is None and chunk_offsets(stbl) == [40, 5 << 30]
