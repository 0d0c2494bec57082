"""Chapters every player reads, written by us into an MP4 file.

QuickTime chapters: a text track referenced by the audio track's `tref/chap`, at the
audio's own timescale (its sample rate), so every start is sample-exact. Nero
chapters: `moov/udta/chpl`, left out above 255 chapters (players that prefer it would
show only the first 255). The text samples go into an `mdat` of their own at the end
of the file; replacing the chapters drops that box and the old track.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.engine.mp4.boxes import (
    Box,
    MP4Error,
    TopBox,
    chunk_offsets,
    container,
    leaf,
    read_moov,
    rewrite_mp4,
    set_chunk_offsets,
    top_level,
)
from aiom4b_tui.engine.mp4.chapter_track import (
    NERO_TIMESCALE,
    chapter_trak,
    chpl_box,
    text_sample,
)
from aiom4b_tui.engine.mp4.header_fields import (
    handler_type,
    media_duration,
    media_timescale,
    movie_timescale,
    next_track_id,
    rescale,
    set_next_track_id,
    track_duration,
    track_id,
)

NERO_MAX_CHAPTERS = 255


@dataclass(frozen=True)
class Chapter:
    """A chapter read from a file: start in seconds, and its title."""

    start: float
    title: str


def audio_track(moov: Box) -> Box:
    """The first sound track."""
    for trak in moov.find_all(b"trak"):
        if handler_type(trak) == b"soun":
            return trak
    raise MP4Error("the file has no audio track")


def chapter_track_ids(moov: Box) -> set[int]:
    """Ids of the tracks the audio tracks name as their chapters (tref/chap)."""
    ids: set[int] = set()
    for chap in moov.find_all(b"trak", b"tref", b"chap"):
        ids.update(struct.unpack(f">{len(chap.payload) // 4}I", chap.payload))
    return ids


def _chapter_traks(moov: Box) -> list[Box]:
    ids = chapter_track_ids(moov)
    return [t for t in moov.find_all(b"trak") if track_id(t) in ids]


# --- writing ---------------------------------------------------------------------------


def set_chapters_in_moov(
    moov: Box, titles: Sequence[str], starts: Sequence[int], timescale: int
) -> Box:
    """Replace the chapters in `moov`: a new text track, the audio's tref/chap, the Nero
    list (when 255 or fewer). Returns the new track (write_with_chapters places it)."""
    if len(titles) != len(starts):
        raise ValueError("one title per chapter start")
    audio = audio_track(moov)
    old = _chapter_traks(moov)
    moov.children = [c for c in moov.children or [] if not any(c is t for t in old)]
    movie_ts = movie_timescale(moov)
    total = rescale(track_duration(audio), movie_ts, timescale) or rescale(
        media_duration(audio), media_timescale(audio), timescale
    )
    new_id = max(next_track_id(moov), 1 + max(track_id(t) for t in moov.find_all(b"trak")))
    trak = chapter_trak(new_id, list(starts), total, timescale, movie_ts)
    set_next_track_id(moov, new_id + 1)
    _name_chapter_track(moov, audio, new_id)
    kids = moov.children or []
    after = 1 + max(i for i, c in enumerate(kids) if c.kind == b"trak")
    moov.children = [*kids[:after], trak, *kids[after:]]
    _set_nero_list(moov, titles, starts, timescale)
    return trak


def _name_chapter_track(moov: Box, audio: Box, new_id: int) -> None:
    """The audio track's tref/chap names `new_id`; no track names old chapters."""
    for other in moov.find_all(b"trak"):
        tref = other.find(b"tref")
        if tref is not None:
            tref.remove(b"chap")
            if not tref.children:
                other.remove(b"tref")
    chap = leaf(b"chap", struct.pack(">I", new_id))
    tref = audio.find(b"tref")
    if tref is not None:
        tref.children = [*(tref.children or []), chap]
        return
    kids = audio.children or []
    at = next((i for i, c in enumerate(kids) if c.kind == b"mdia"), len(kids))
    audio.children = [*kids[:at], container(b"tref", chap), *kids[at:]]


def _set_nero_list(moov: Box, titles: Sequence[str], starts: Sequence[int], timescale: int) -> None:
    """moov/udta/chpl with the chapters, or none above 255 of them."""
    udta = moov.find(b"udta")
    if udta is None:
        udta = container(b"udta")
        moov.children = [*(moov.children or []), udta]
    udta.remove(b"chpl")
    if len(titles) <= NERO_MAX_CHAPTERS:
        seconds = [0.0, *(s / timescale for s in list(starts)[1:])]
        udta.children = [*(udta.children or []), chpl_box(list(titles), seconds)]


def write_with_chapters(
    source: Path,
    dest: Path,
    moov: Box,
    trak: Box,
    *,
    titles: Sequence[str],
    ftyp: Box | None = None,
    drop_old: set[int] | None = None,
    in_place: bool = False,
) -> None:
    """Write `source` to `dest` with `moov` and the chapter samples in an mdat at the end."""
    sizes = [len(text_sample(t)) for t in titles]
    data = b"".join(text_sample(t) for t in titles)
    stbl = trak.find(b"mdia", b"minf", b"stbl")
    assert stbl is not None
    stbl.remove(b"stsz")
    stsz = struct.pack(">III", 0, 0, len(sizes)) + b"".join(struct.pack(">I", s) for s in sizes)
    stbl.children = [*(stbl.children or []), leaf(b"stsz", stsz)]

    def place(appended_at: int) -> None:
        first = appended_at + 8
        offsets, pos = [], first
        for size in sizes:
            offsets.append(pos)
            pos += size
        set_chunk_offsets(stbl, offsets)

    def drop(top: TopBox) -> bool:
        return drop_old is not None and top.offset in drop_old

    mdat = struct.pack(">I4s", len(data) + 8, b"mdat") + data
    rewrite_mp4(
        source,
        dest,
        moov,
        ftyp=ftyp,
        drop=drop,
        appended=lambda _at: mdat,
        fix_new_track=place,
        in_place=in_place,
    )


# --- reading ---------------------------------------------------------------------------


def read_chapters(path: Path) -> list[Chapter]:
    """The file's QuickTime chapters; its Nero list when it has no chapter track."""
    moov = read_moov(path)
    traks = _chapter_traks(moov)
    if traks:
        return _text_track_chapters(path, traks[0])
    return nero_chapters(moov)


def nero_chapters(moov: Box) -> list[Chapter]:
    """The Nero chapter list (moov/udta/chpl), if any."""
    chpl = moov.find(b"udta", b"chpl")
    if chpl is None:
        return []
    p = chpl.payload
    count, pos = p[8], 9
    found = []
    for _ in range(count):
        start, size = struct.unpack(">QB", p[pos : pos + 9])
        title = p[pos + 9 : pos + 9 + size].decode("utf-8", "replace")
        found.append(Chapter(start / NERO_TIMESCALE, title))
        pos += 9 + size
    return found


def has_nero_chapters(path: Path) -> bool:
    """True when the file has a Nero chapter list."""
    return read_moov(path).find(b"udta", b"chpl") is not None


def chapter_starts_in_units(path: Path) -> tuple[int, list[tuple[int, str]]]:
    """(timescale, [(start, title)]) of the QuickTime chapters, exact in their timescale."""
    moov = read_moov(path)
    traks = _chapter_traks(moov)
    if not traks:
        raise MP4Error(f"{path.name} has no QuickTime chapters")
    trak = traks[0]
    starts, titles = _samples(path, trak)
    return media_timescale(trak), list(zip(starts, titles, strict=True))


def _text_track_chapters(path: Path, trak: Box) -> list[Chapter]:
    timescale = media_timescale(trak)
    starts, titles = _samples(path, trak)
    return [Chapter(s / timescale, t) for s, t in zip(starts, titles, strict=True)]


def _samples(path: Path, trak: Box) -> tuple[list[int], list[str]]:
    """Start times and titles of a text track's samples."""
    stbl = trak.find(b"mdia", b"minf", b"stbl")
    if stbl is None:
        raise MP4Error("the chapter track has no sample table")
    durations = _table(stbl, b"stts", 2)
    starts, now = [], 0
    for count, delta in durations:
        for _ in range(count):
            starts.append(now)
            now += delta
    sizes = _sample_sizes(stbl, len(starts))
    positions = _sample_positions(stbl, sizes)
    titles = []
    with path.open("rb") as handle:
        for pos, size in zip(positions, sizes, strict=True):
            handle.seek(pos)
            data = handle.read(size)
            titles.append(_decode_text(data))
    return starts, titles


def _decode_text(data: bytes) -> str:
    if len(data) < 2:
        return ""
    (length,) = struct.unpack(">H", data[:2])
    text = data[2 : 2 + length]
    if text.startswith(b"\xfe\xff"):
        return text[2:].decode("utf-16-be", "replace")
    if text.startswith(b"\xff\xfe"):
        return text[2:].decode("utf-16-le", "replace")
    return text.decode("utf-8", "replace")


def _table(stbl: Box, kind: bytes, width: int) -> list[tuple[int, ...]]:
    box = stbl.find(kind)
    if box is None:
        return []
    (count,) = struct.unpack(">I", box.payload[4:8])
    fmt = f">{width}I"
    size = 4 * width
    body = box.payload[8:]
    return [struct.unpack(fmt, body[i * size : (i + 1) * size]) for i in range(count)]


def _sample_sizes(stbl: Box, count: int) -> list[int]:
    box = stbl.find(b"stsz")
    if box is None:
        raise MP4Error("the chapter track has no sample sizes")
    fixed, n = struct.unpack(">II", box.payload[4:12])
    if fixed:
        return [fixed] * count
    return list(struct.unpack(f">{n}I", box.payload[12 : 12 + 4 * n]))[:count]


def _sample_positions(stbl: Box, sizes: list[int]) -> list[int]:
    """Byte position of each sample, from the chunk offsets and the sample-to-chunk runs."""
    offsets = chunk_offsets(stbl)
    runs = _table(stbl, b"stsc", 3)
    positions: list[int] = []
    sample = 0
    for chunk_index, offset in enumerate(offsets, 1):
        per_chunk = next((n for first, n, _d in reversed(runs) if first <= chunk_index), 1)
        pos = offset
        for _ in range(per_chunk):
            if sample >= len(sizes):
                return positions
            positions.append(pos)
            pos += sizes[sample]
            sample += 1
    return positions


def chapter_mdat_offsets(path: Path, moov: Box) -> set[int]:
    """Top-level mdat boxes holding only chapter text: left out when chapters change."""
    with path.open("rb") as handle:
        tops = top_level(handle)
    chapter_ids = chapter_track_ids(moov)
    chapter_offsets: list[int] = []
    other_offsets: list[int] = []
    for trak in moov.find_all(b"trak"):
        stbl = trak.find(b"mdia", b"minf", b"stbl")
        if stbl is None:
            continue
        target = chapter_offsets if track_id(trak) in chapter_ids else other_offsets
        target.extend(chunk_offsets(stbl))
    dropped = set()
    for top in tops:
        if top.kind != b"mdat":
            continue
        inside = lambda o, t=top: t.offset <= o < t.offset + t.size  # noqa: E731
        if any(inside(o) for o in chapter_offsets) and not any(inside(o) for o in other_offsets):
            dropped.add(top.offset)
    return dropped
