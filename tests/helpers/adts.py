"""ADTS frames built by hand (AAC LC): for the tests of the frame parser, the MP4 writer,
the salvage of a stopped encode and the ledger, which need exact bytes, not audio."""

from __future__ import annotations

ADTS_HEADER = 7
CRC_BYTES = 2
RATE_INDEX_44100 = 4


def adts_frame(
    payload: bytes | int = 20,
    *,
    rate_index: int = RATE_INDEX_44100,
    channels: int = 2,
    crc: bool = False,
) -> bytes:
    """One ADTS frame (AAC LC) around `payload` (bytes, or that many zero bytes); with
    `crc` its header is followed by two CRC bytes (zero: nothing checks them)."""
    body = bytes(payload) if isinstance(payload, int) else payload
    header = ADTS_HEADER + (CRC_BYTES if crc else 0)
    length = header + len(body)
    b1 = 0xF0 | (0 if crc else 1)  # MPEG-4, layer 0, protection absent unless `crc`
    b2 = (1 << 6) | (rate_index << 2) | (channels >> 2)  # profile LC
    b3 = ((channels & 3) << 6) | (length >> 11)
    b4 = (length >> 3) & 0xFF
    b5 = ((length & 7) << 5) | 0x1F  # buffer fullness 0x7FF: variable rate
    head = bytes([0xFF, b1, b2, b3, b4, b5, 0xFC])
    return head + (bytes(CRC_BYTES) if crc else b"") + body


def adts_frames(count: int, payload: int = 20) -> bytes:
    """`count` ADTS frames (AAC LC, 44.1 kHz, stereo) of `payload` zero bytes each."""
    return adts_frame(payload) * count
