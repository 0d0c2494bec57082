"""The boxes of a QuickTime chapter track and a Nero chapter list, built from chapter
starts and titles (pure bytes; chapters.py puts them into a file)."""

from __future__ import annotations

import itertools
import struct
from collections.abc import Sequence

from aiom4b_tui.engine.mp4.boxes import Box, container, leaf
from aiom4b_tui.engine.mp4.header_fields import hdlr_payload, mdhd_payload, rescale, tkhd_payload

NERO_TIMESCALE = 10_000_000  # chpl starts are in 100 ns units
_TITLE_MAX_BYTES = 1024
# QuickTime text sample description and text media header, as Apple and ffmpeg write them.
_TEXT_STSD = bytes.fromhex(
    "00000000000000010000003b7465787400000000000000010000000100000000000000000000000000000000"
    "000000010000000000000000000d667461620001000100"
)
_TEXT_GMHD = bytes.fromhex(
    "00000018676d696e000000000040800080008000000000000000002c746578740001000000000000000000000000"
    "00000001000000000000000000000000000040000000"
)
_ENCD_UTF8 = struct.pack(">I4sI", 12, b"encd", 0x100)
_DREF_SELF = bytes.fromhex("00000000000000010000000c75726c2000000001")  # data in this file


def stored_title(title: str) -> str:
    """A title as the chapter track holds it (at most 1024 bytes of UTF-8)."""
    return title.encode("utf-8")[:_TITLE_MAX_BYTES].decode("utf-8", "ignore")


def text_sample(title: str) -> bytes:
    """One QuickTime text sample: length, UTF-8 text, the UTF-8 encoding atom."""
    data = stored_title(title).encode("utf-8")
    return struct.pack(">H", len(data)) + data + _ENCD_UTF8


def chapter_trak(
    track: int, starts: Sequence[int], total: int, timescale: int, movie_ts: int
) -> Box:
    """A chapter text track (without chunk offsets yet) for chapters at `starts` (in
    `timescale` units, the first taken as 0) of a `total`-long track."""
    if not starts:
        raise ValueError("no chapters")
    points = [0, *starts[1:], total]
    durations = [b - a for a, b in itertools.pairwise(points)]
    if any(d <= 0 for d in durations):
        raise ValueError("chapter starts must increase and lie inside the book")
    stts = _runs(durations)
    stts_body = struct.pack(">II", 0, len(stts)) + b"".join(
        struct.pack(">II", n, d) for n, d in stts
    )
    stsc = struct.pack(">IIIII", 0, 1, 1, 1, 1)  # every chunk holds one sample
    stbl = container(
        b"stbl",
        leaf(b"stsd", _TEXT_STSD),
        leaf(b"stts", stts_body),
        leaf(b"stsc", stsc),
    )
    minf = container(
        b"minf",
        leaf(b"gmhd", _TEXT_GMHD),
        container(b"dinf", leaf(b"dref", _DREF_SELF)),
        stbl,
    )
    mdia = container(
        b"mdia",
        leaf(b"mdhd", mdhd_payload(timescale, total)),
        leaf(b"hdlr", hdlr_payload(b"text", "Chapters")),
        minf,
    )
    duration = rescale(total, timescale, movie_ts)
    # flags 2: in the movie but not enabled, so players do not show it as subtitles
    return container(b"trak", leaf(b"tkhd", tkhd_payload(track, duration, flags=2)), mdia)


def _runs(values: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for value in values:
        if runs and runs[-1][1] == value:
            runs[-1] = (runs[-1][0] + 1, value)
        else:
            runs.append((1, value))
    return runs


def chpl_box(titles: Sequence[str], starts_seconds: Sequence[float]) -> Box:
    """A Nero chapter list (at most 255 chapters)."""
    body = struct.pack(">I4xB", 1 << 24, len(titles))
    for title, start in zip(titles, starts_seconds, strict=True):
        data = title.encode("utf-8")[:255].decode("utf-8", "ignore").encode("utf-8")
        body += struct.pack(">QB", round(start * NERO_TIMESCALE), len(data)) + data
    return leaf(b"chpl", body)
