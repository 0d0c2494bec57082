"""An AAC source's decoder configuration (the AudioSpecificConfig in its MP4 `esds`), and
whether ADTS can carry it.

The copy path re-wraps AAC packets as ADTS, whose 7-byte header holds only the object
type (1-4), a sample-rate index, a channel configuration and nothing else. Files made
by some encoders (iTunes, Audible, …) set flags ADTS cannot express; ffmpeg then refuses
the re-wrap ("Scalable configurations are not allowed in ADTS"). These are read here,
from the boxes, before anything is started.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

_NOT_IN_ADTS = "not allowed in ADTS"  # how ffmpeg's ADTS muxer refuses a configuration

# Boxes on the way from the file to the sample entry.
_PATH = (b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd")
_AUDIO_ENTRY_HEADER = 28  # SampleEntry (8) + AudioSampleEntry v0 fields (20)
_ES_TAG, _DECODER_CONFIG_TAG, _DECODER_SPECIFIC_TAG = 3, 4, 5
# Object types whose config is followed by a GASpecificConfig (ISO 14496-3, 1.6.2.1).
_GA_TYPES = frozenset({1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23})


def _boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, body start, body end) of the boxes in data[start:end]."""
    found = []
    while start + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, start)
        header = 8
        if size == 1 and start + 16 <= end:
            size = struct.unpack_from(">Q", data, start + 8)[0]
            header = 16
        elif size == 0:
            size = end - start
        if size < header or start + size > end:
            break
        found.append((kind, start + header, start + size))
        start += size
    return found


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for found, body, stop in _boxes(data, start, end):
        if found == kind:
            return body, stop
    return None


def _descriptor(data: bytes, pos: int, end: int) -> tuple[int, int, int] | None:
    """(tag, body start, body end) of the MPEG-4 descriptor at `pos`."""
    if pos >= end:
        return None
    tag, length, pos = data[pos], 0, pos + 1
    for _ in range(4):
        if pos >= end:
            return None
        byte = data[pos]
        pos += 1
        length = (length << 7) | (byte & 0x7F)
        if not byte & 0x80:
            break
    return tag, pos, min(end, pos + length)


def _asc_in_esds(data: bytes, start: int, end: int) -> bytes | None:
    found = _descriptor(data, start + 4, end)  # after the full box's version and flags
    if found is None or found[0] != _ES_TAG:
        return None
    _, pos, stop = found
    flags = data[pos + 2] if pos + 2 < stop else 0
    pos += 3
    if flags & 0x80:  # streamDependenceFlag
        pos += 2
    if flags & 0x40 and pos < stop:  # URL_Flag
        pos += 1 + data[pos]
    if flags & 0x20:  # OCRstreamFlag
        pos += 2
    config = _descriptor(data, pos, stop)
    if config is None or config[0] != _DECODER_CONFIG_TAG:
        return None
    specific = _descriptor(data, config[1] + 13, config[2])
    if specific is None or specific[0] != _DECODER_SPECIFIC_TAG:
        return None
    return data[specific[1] : specific[2]]


def audio_specific_config(path: Path) -> bytes | None:
    """The AudioSpecificConfig of the first `mp4a` track of an MP4 file (None: not one,
    or it cannot be read)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    moov = _child(data, 0, len(data), b"moov")
    if moov is None:
        return None
    for kind, body, stop in _boxes(data, *moov):
        if kind != b"trak":
            continue
        span: tuple[int, int] | None = (body, stop)
        for name in _PATH[2:]:
            span = _child(data, *span, name) if span else None
        if span is None:
            continue
        entry = _child(data, span[0] + 8, span[1], b"mp4a")  # stsd: version, flags, count
        if entry is None:
            continue
        esds = _child(data, entry[0] + _AUDIO_ENTRY_HEADER, entry[1], b"esds")
        if esds is not None:
            return _asc_in_esds(data, *esds)
    return None


class _Bits:
    def __init__(self, data: bytes) -> None:
        self.value = int.from_bytes(data, "big")
        self.left = len(data) * 8

    def read(self, count: int) -> int:
        if count > self.left:
            raise ValueError("AudioSpecificConfig ends early")
        self.left -= count
        return (self.value >> self.left) & ((1 << count) - 1)


def adts_problem(asc: bytes) -> str | None:
    """Why ADTS cannot carry an AAC stream of this AudioSpecificConfig (None: it can).

    The checks are those of ffmpeg's ADTS muxer.
    """
    bits = _Bits(asc)
    try:
        object_type = bits.read(5)
        if object_type == 31:
            object_type = 32 + bits.read(6)
        rate_index = bits.read(4)
        if rate_index == 15:
            return "an explicit sample rate"
        bits.read(4)  # channel configuration (0: a PCE, which ADTS can carry)
        if not 1 <= object_type <= 4:
            return f"MPEG-4 object type {object_type}"
        if object_type not in _GA_TYPES:
            return None
        if bits.read(1):
            return "960-sample frames"
        if bits.read(1):
            return "a scalable (core coder) configuration"
        if bits.read(1):
            return "the extension flag"
    except ValueError as exc:
        return str(exc)
    return None


def adts_problem_of(path: Path) -> str | None:
    """Why the AAC in this MP4 file cannot be re-wrapped as ADTS (None: it can, or the
    file is no MP4 and brings its own ADTS)."""
    asc = audio_specific_config(path)
    return adts_problem(asc) if asc is not None else None


def adts_problems(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """The files whose AAC configuration ADTS cannot carry, with why (blocking)."""
    found = []
    for path in paths:
        why = adts_problem_of(path)
        if why:
            found.append((path, why))
    return found


def adts_refusal(stderr: str) -> str | None:
    """ffmpeg's words when its ADTS muxer refused a configuration (None: it did not)."""
    for line in stderr.splitlines():
        if _NOT_IN_ADTS in line:
            return line.split("] ", 1)[-1].strip()
    return None
