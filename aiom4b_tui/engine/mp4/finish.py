"""The last step of an .m4b: exact timing, chapters and the file brand, by rewriting boxes.

`finish_book` takes the muxed file (audio only) and writes the book: movie timescale =
the sample rate, an edit list that skips the encoder priming and ends on the last real
sample (so the book decodes to exactly the sum of its sources), QuickTime and Nero
chapters, and the brand `M4B `. `replace_chapters` changes the chapters of a finished
book without touching its audio.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Sequence
from pathlib import Path

from aiom4b_tui.engine.mp4.boxes import Box, MP4Error, leaf, read_box, read_moov, top_level
from aiom4b_tui.engine.mp4.chapter_track import stored_title
from aiom4b_tui.engine.mp4.chapters import (
    audio_track,
    chapter_mdat_offsets,
    read_chapters,
    set_chapters_in_moov,
    write_with_chapters,
)
from aiom4b_tui.engine.mp4.header_fields import (
    edit_list,
    media_timescale,
    movie_timescale,
    rescale,
    set_edit_list,
    set_movie_header,
    set_track_duration,
    track_duration,
)

BOOK_BRANDS = (b"M4B ", b"M4A ", b"isom")  # the size of ffmpeg's: rewritten in place


def book_ftyp() -> Box:
    """The file type box of an audiobook: major brand `M4B `."""
    return leaf(b"ftyp", BOOK_BRANDS[0] + struct.pack(">I", 0) + b"".join(BOOK_BRANDS))


def finish_book(
    raw: Path,
    dest: Path,
    *,
    titles: Sequence[str],
    starts: Sequence[int],
    total: int,
    priming: int,
) -> None:
    """Write `dest` from the muxed `raw`: timing to the sample, chapters, brand.

    `starts` and `total` count samples of the audio after the priming is skipped. `raw`
    is used up: its header is rewritten in place where it can be, then it is renamed.
    """
    moov = read_moov(raw)
    audio = audio_track(moov)
    rate = media_timescale(audio)
    old_movie_ts = movie_timescale(moov)
    for trak in moov.find_all(b"trak"):
        if trak is not audio:
            set_track_duration(trak, rescale(track_duration(trak), old_movie_ts, rate))
            edits = [(rescale(d, old_movie_ts, rate), m) for d, m in edit_list(trak)]
            if edits:
                set_edit_list(trak, edits)
    set_movie_header(moov, rate, total)
    set_track_duration(audio, total)
    set_edit_list(audio, [(total, priming)])
    drop = chapter_mdat_offsets(raw, moov)
    trak = set_chapters_in_moov(moov, titles, starts, rate)
    write_with_chapters(
        raw, dest, moov, trak, titles=titles, ftyp=book_ftyp(), drop_old=drop, in_place=True
    )


def replace_chapters(
    source: Path, dest: Path, titles: Sequence[str], starts_seconds: Sequence[float]
) -> None:
    """Write `dest`: `source` with these chapters (starts in seconds) instead of its own."""
    moov = read_moov(source)
    rate = media_timescale(audio_track(moov))
    starts = [round(s * rate) for s in starts_seconds]
    drop = chapter_mdat_offsets(source, moov)
    trak = set_chapters_in_moov(moov, titles, starts, rate)
    write_with_chapters(source, dest, moov, trak, titles=titles, drop_old=drop)


def file_brand(path: Path) -> bytes:
    """The major brand of an MP4 file."""
    with path.open("rb") as handle:
        tops = top_level(handle)
        ftyp = next((t for t in tops if t.kind == b"ftyp"), None)
        if ftyp is None:
            raise MP4Error(f"{path.name} has no ftyp box")
        return read_box(handle, ftyp).payload[:4]


def book_length(path: Path) -> float:
    """How long the book plays, in seconds (its audio track after the edit list)."""
    moov = read_moov(path)
    audio = audio_track(moov)
    edits = [d for d, m in edit_list(audio) if m >= 0]
    ticks = sum(edits) if edits else track_duration(audio)
    return ticks / movie_timescale(moov)


def set_book_chapters(path: Path, titles: Sequence[str], starts_seconds: Sequence[float]) -> None:
    """Replace a finished book's chapters without touching its audio: written to a
    temporary file beside it, read back and checked, then renamed over the book."""
    if not titles:
        raise ValueError("no chapters to set")
    temp = path.with_name(f".{path.name}.aiom4b-chapters.tmp")
    try:
        replace_chapters(path, temp, titles, starts_seconds)
        found = read_chapters(temp)
        wanted = [0.0, *starts_seconds[1:]]
        if len(found) != len(titles) or any(
            abs(c.start - s) > 0.001 for c, s in zip(found, wanted, strict=True)
        ):
            raise MP4Error("the rewritten book does not read back with the new chapters")
        if [c.title for c in found] != [stored_title(t) for t in titles]:
            raise MP4Error("the rewritten book's chapter titles do not read back")
        shutil.copymode(path, temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def played_samples(path: Path, rate: int | None = None) -> int | None:
    """How many samples an MP4 source's audio plays by its edit list, counted at `rate`
    (default: the audio's own timescale); None for a file that is not MP4 or has no
    edit list."""
    try:
        moov = read_moov(path)
        audio = audio_track(moov)
        edits = [d for d, m in edit_list(audio) if m >= 0]
        if not edits:
            return None
        return rescale(sum(edits), movie_timescale(moov), rate or media_timescale(audio))
    except (MP4Error, OSError, struct.error):
        return None
