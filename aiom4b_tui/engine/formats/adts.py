"""ADTS streams read without a decoder: where each frame of a stream begins (a whole
stream, or the whole frames a stopped encoder's file begins with), and how many frames a
file holds. The segment arithmetic built on these frames is in engine/encode/segments.py.
"""

from __future__ import annotations

from pathlib import Path

FRAME = 1024  # samples per AAC frame
ADTS_HEADER = 7


class ADTSError(ValueError):
    """Bytes that are not a well-formed ADTS stream."""


def adts_frame_offsets(data: bytes | memoryview) -> list[int]:
    """Byte offsets of every ADTS frame in `data`, plus the end offset as the last item."""
    view = memoryview(data)
    offsets: list[int] = []
    pos, size = 0, len(view)
    while pos < size:
        if size - pos < ADTS_HEADER or view[pos] != 0xFF or (view[pos + 1] & 0xF0) != 0xF0:
            raise ADTSError(f"no ADTS sync word at byte {pos}")
        length = ((view[pos + 3] & 0x03) << 11) | (view[pos + 4] << 3) | (view[pos + 5] >> 5)
        if length < ADTS_HEADER or pos + length > size:
            raise ADTSError(f"bad ADTS frame length {length} at byte {pos}")
        offsets.append(pos)
        pos += length
    offsets.append(pos)
    return offsets


def adts_prefix_offsets(data: bytes | memoryview) -> list[int]:
    """Byte offsets of the whole ADTS frames `data` begins with, plus where they end.

    For the file of an encoder that was stopped: parsing stops at a truncated frame,
    at bytes that are not a frame, and at a frame of another format than the first.
    """
    view = memoryview(data)
    offsets: list[int] = []
    pos, size = 0, len(view)
    fixed = None
    while size - pos >= ADTS_HEADER and view[pos] == 0xFF and (view[pos + 1] & 0xF0) == 0xF0:
        here = (view[pos + 1], view[pos + 2], view[pos + 3] & 0xF0)
        length = ((view[pos + 3] & 0x03) << 11) | (view[pos + 4] << 3) | (view[pos + 5] >> 5)
        if length < ADTS_HEADER or pos + length > size or here != (fixed or here):
            break
        fixed = here
        offsets.append(pos)
        pos += length
    offsets.append(pos)
    return offsets


def count_adts_frames(path: Path) -> int:
    """How many ADTS frames the file holds."""
    return len(adts_frame_offsets(path.read_bytes())) - 1
