"""Fields of the MP4 header boxes the chapter and timing code reads and writes:
mvhd (movie timescale, duration, next track id), tkhd, mdhd, hdlr and the edit list.

Times are rewritten as version 1 boxes when they no longer fit in 32 bits.
"""

from __future__ import annotations

import struct

from aiom4b_tui.engine.mp4.boxes import Box, MP4Error, container, leaf


def _times(payload: bytes) -> tuple[int, int]:
    """(version, offset of the timescale) of an mvhd or mdhd payload."""
    version = payload[0]
    return version, 20 if version == 1 else 12


def movie_timescale(moov: Box) -> int:
    """The movie's timescale (mvhd)."""
    payload = _need(moov, b"mvhd").payload
    _version, pos = _times(payload)
    return struct.unpack(">I", payload[pos : pos + 4])[0]


def movie_duration(moov: Box) -> int:
    """The movie's duration in its timescale."""
    payload = _need(moov, b"mvhd").payload
    version, pos = _times(payload)
    fmt, width = (">Q", 8) if version == 1 else (">I", 4)
    return struct.unpack(fmt, payload[pos + 4 : pos + 4 + width])[0]


def set_movie_header(moov: Box, timescale: int, duration: int) -> None:
    """Set the movie's timescale and duration (mvhd)."""
    box = _need(moov, b"mvhd")
    version, pos = _times(box.payload)
    width = 8 if version == 1 else 4
    tail = box.payload[pos + 4 + width :]
    created = box.payload[4:pos]
    box.payload = _timed(box.payload[1:4], created, struct.pack(">I", timescale), duration, tail)


def _timed(flags: bytes, created: bytes, timescale: bytes, duration: int, tail: bytes) -> bytes:
    """An mvhd/mdhd payload, version 1 when the duration needs 64 bits."""
    if len(created) == 16 or duration > 0xFFFFFFFF:
        if len(created) == 8:
            created = b"".join(struct.pack(">Q", v) for v in struct.unpack(">II", created))
        return b"\x01" + flags + created + timescale + struct.pack(">Q", duration) + tail
    return b"\x00" + flags + created + timescale + struct.pack(">I", duration) + tail


def next_track_id(moov: Box) -> int:
    """The id the next new track gets (the mvhd's last field)."""
    payload = _need(moov, b"mvhd").payload
    return struct.unpack(">I", payload[-4:])[0]


def set_next_track_id(moov: Box, value: int) -> None:
    """Set the mvhd's next track id."""
    box = _need(moov, b"mvhd")
    box.payload = box.payload[:-4] + struct.pack(">I", value)


def track_id(trak: Box) -> int:
    """A track's id (tkhd)."""
    payload = _need(trak, b"tkhd").payload
    pos = 20 if payload[0] == 1 else 12
    return struct.unpack(">I", payload[pos : pos + 4])[0]


def track_duration(trak: Box) -> int:
    """A track's duration in the movie's timescale (tkhd)."""
    payload = _need(trak, b"tkhd").payload
    if payload[0] == 1:
        return struct.unpack(">Q", payload[28:36])[0]
    return struct.unpack(">I", payload[20:24])[0]


def set_track_duration(trak: Box, duration: int) -> None:
    """Set a track's duration in the movie's timescale (tkhd; version 1 when needed)."""
    box = _need(trak, b"tkhd")
    p = box.payload
    if p[0] == 1:
        box.payload = p[:28] + struct.pack(">Q", duration) + p[36:]
    elif duration <= 0xFFFFFFFF:
        box.payload = p[:20] + struct.pack(">I", duration) + p[24:]
    else:
        created = b"".join(struct.pack(">Q", v) for v in struct.unpack(">II", p[4:12]))
        box.payload = b"\x01" + p[1:4] + created + p[12:20] + struct.pack(">Q", duration) + p[24:]


def tkhd_payload(track: int, duration: int, *, flags: int) -> bytes:
    """A new track header: no size (audio or text), identity matrix."""
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    tail = struct.pack(">8xHHHH", 0, 0, 0, 0) + matrix + struct.pack(">II", 0, 0)
    if duration > 0xFFFFFFFF:
        head = struct.pack(">I", (1 << 24) | flags) + struct.pack(">QQII", 0, 0, track, 0)
        return head + struct.pack(">Q", duration) + tail
    head = struct.pack(">I", flags) + struct.pack(">IIII", 0, 0, track, 0)
    return head + struct.pack(">I", duration) + tail


def media_timescale(trak: Box) -> int:
    """A track's media timescale (mdhd)."""
    payload = _need(trak, b"mdia", b"mdhd").payload
    _version, pos = _times(payload)
    return struct.unpack(">I", payload[pos : pos + 4])[0]


def media_duration(trak: Box) -> int:
    """A track's media duration in its own timescale (mdhd)."""
    payload = _need(trak, b"mdia", b"mdhd").payload
    version, pos = _times(payload)
    fmt, width = (">Q", 8) if version == 1 else (">I", 4)
    return struct.unpack(fmt, payload[pos + 4 : pos + 4 + width])[0]


def mdhd_payload(timescale: int, duration: int, language: int = 0x55C4) -> bytes:
    """A new media header ('und' language by default)."""
    tail = struct.pack(">HH", language, 0)
    return _timed(b"\x00\x00\x00", bytes(8), struct.pack(">I", timescale), duration, tail)


def handler_type(trak: Box) -> bytes | None:
    """A track's handler ('soun', 'text', 'vide', ...)."""
    hdlr = trak.find(b"mdia", b"hdlr")
    return None if hdlr is None else hdlr.payload[8:12]


def hdlr_payload(kind: bytes, name: str) -> bytes:
    """A new handler reference box payload."""
    return bytes(8) + kind + bytes(12) + name.encode("utf-8") + b"\x00"


def edit_list(trak: Box) -> list[tuple[int, int]]:
    """(segment duration in movie timescale, media time) of each edit."""
    elst = trak.find(b"edts", b"elst")
    if elst is None:
        return []
    p = elst.payload
    (count,) = struct.unpack(">I", p[4:8])
    edits, pos = [], 8
    for _ in range(count):
        if p[0] == 1:
            edits.append(struct.unpack(">Qq", p[pos : pos + 16]))
            pos += 20
        else:
            edits.append(struct.unpack(">Ii", p[pos : pos + 8]))
            pos += 12
    return edits


def set_edit_list(trak: Box, edits: list[tuple[int, int]]) -> None:
    """Replace a track's edit list with `edits` (duration, media time) at rate 1."""
    wide = any(d > 0xFFFFFFFF or not -(2**31) <= m < 2**31 for d, m in edits)
    body = struct.pack(">II", (1 << 24) if wide else 0, len(edits))
    for duration, media_time in edits:
        body += struct.pack(">Qq" if wide else ">Ii", duration, media_time) + b"\x00\x01\x00\x00"
    trak.remove(b"edts")
    edts = container(b"edts", leaf(b"elst", body))
    kids = trak.children or []
    at = next((i + 1 for i, c in enumerate(kids) if c.kind == b"tkhd"), 0)
    trak.children = [*kids[:at], edts, *kids[at:]]


def rescale(value: int, old: int, new: int) -> int:
    """`value` ticks of a timescale `old` in ticks of `new`, rounded."""
    return (value * new + old // 2) // old


def _need(box: Box, *path: bytes) -> Box:
    found = box.find(*path)
    if found is None:
        raise MP4Error(f"no {b'.'.join(path).decode('latin-1')} box")
    return found
