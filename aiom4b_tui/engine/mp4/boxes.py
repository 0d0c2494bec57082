"""A small MP4 box tree: parse the boxes of `moov`, change them, write them back.

Only the containers the chapter and edit-list code walks through are opened; every
other box is kept byte for byte. `rewrite_mp4` writes a whole file with new header
boxes and fixes every track's chunk offsets (stco/co64) for the bytes that moved.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"udta", b"tref"})
_COPY_CHUNK = 1 << 20

# Names of files read as MP4 (edit lists, priming) without probing them first.
MP4_SUFFIXES = frozenset({".m4a", ".m4b", ".mp4", ".m4p", ".mov"})


class MP4Error(ValueError):
    """Bytes that are not the MP4 this module expects."""


@dataclass
class Box:
    """One box: a leaf with its payload, or a container with its children."""

    kind: bytes
    payload: bytes = b""
    children: list[Box] | None = None

    def find(self, *path: bytes) -> Box | None:
        """The first box down `path` (kinds, one per level), or None."""
        return next(self.find_all(*path), None)

    def find_all(self, *path: bytes) -> Iterator[Box]:
        """Every box down `path`."""
        if not path:
            yield self
            return
        for child in self.children or []:
            if child.kind == path[0]:
                yield from child.find_all(*path[1:])

    def remove(self, kind: bytes) -> None:
        """Drop every direct child of this kind."""
        self.children = [c for c in self.children or [] if c.kind != kind]

    def replace(self, box: Box) -> None:
        """Put `box` in place of the first child of its kind, else append it."""
        kids = self.children if self.children is not None else []
        for i, child in enumerate(kids):
            if child.kind == box.kind:
                kids[i] = box
                self.children = kids
                return
        kids.append(box)
        self.children = kids

    def to_bytes(self) -> bytes:
        """The box with its header."""
        if self.children is None:
            body = self.payload
        else:
            body = b"".join(c.to_bytes() for c in self.children)
        if len(body) + 8 > 0xFFFFFFFF:
            return struct.pack(">I4sQ", 1, self.kind, len(body) + 16) + body
        return struct.pack(">I4s", len(body) + 8, self.kind) + body


def leaf(kind: bytes, payload: bytes) -> Box:
    """A leaf box."""
    return Box(kind, payload)


def container(kind: bytes, *children: Box) -> Box:
    """A container box."""
    return Box(kind, children=list(children))


def box_header(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """The size, kind and header length of the box at `pos` in `data`: a 64-bit size
    where the 32-bit one is 1, the rest of `data` where it is 0. The size is not checked."""
    size, kind = struct.unpack(">I4s", data[pos : pos + 8])
    header = 8
    if size == 1:
        (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
        header = 16
    elif size == 0:
        size = len(data) - pos
    return size, kind, header


def parse_boxes(data: bytes) -> list[Box]:
    """The boxes in `data` (opening the known containers)."""
    boxes = []
    pos = 0
    while pos + 8 <= len(data):
        size, kind, header = box_header(data, pos)
        if size < header or pos + size > len(data):
            raise MP4Error(f"box {kind!r} at byte {pos} has a bad size {size}")
        body = data[pos + header : pos + size]
        if kind in CONTAINERS:
            boxes.append(Box(kind, children=parse_boxes(body)))
        else:
            boxes.append(Box(kind, bytes(body)))
        pos += size
    return boxes


@dataclass(frozen=True)
class TopBox:
    """A top-level box of a file: where it is and how long it is."""

    kind: bytes
    offset: int
    size: int


def top_level(handle: BinaryIO) -> list[TopBox]:
    """The file's top-level boxes."""
    handle.seek(0, 2)
    end = handle.tell()
    pos, found = 0, []
    while pos + 8 <= end:
        handle.seek(pos)
        size, kind = struct.unpack(">I4s", handle.read(8))
        if size == 1:
            (size,) = struct.unpack(">Q", handle.read(8))
        elif size == 0:
            size = end - pos
        if size < 8 or pos + size > end:
            raise MP4Error(f"box {kind!r} at byte {pos} has a bad size {size}")
        found.append(TopBox(kind, pos, size))
        pos += size
    return found


def read_box(handle: BinaryIO, top: TopBox) -> Box:
    """Read and parse one top-level box."""
    handle.seek(top.offset)
    parsed = parse_boxes(handle.read(top.size))
    if len(parsed) != 1:
        raise MP4Error(f"cannot read the {top.kind!r} box")
    return parsed[0]


def read_moov(path: Path) -> Box:
    """The parsed `moov` box of an MP4 file."""
    with path.open("rb") as handle:
        tops = top_level(handle)
        moov = next((t for t in tops if t.kind == b"moov"), None)
        if moov is None:
            raise MP4Error(f"{path.name} has no moov box")
        return read_box(handle, moov)


# --- chunk offsets ---------------------------------------------------------------------


def chunk_offsets(stbl: Box) -> list[int]:
    """The chunk offsets of a sample table (stco or co64)."""
    for kind, fmt, width in ((b"stco", ">I", 4), (b"co64", ">Q", 8)):
        box = stbl.find(kind)
        if box is not None:
            (count,) = struct.unpack(">I", box.payload[4:8])
            return [
                struct.unpack(fmt, box.payload[8 + i * width : 8 + (i + 1) * width])[0]
                for i in range(count)
            ]
    return []


def set_chunk_offsets(stbl: Box, offsets: list[int]) -> None:
    """Write the chunk offsets (co64 when any needs more than 32 bits)."""
    stbl.remove(b"stco")
    stbl.remove(b"co64")
    wide = any(o > 0xFFFFFFFF for o in offsets)
    fmt = ">Q" if wide else ">I"
    body = struct.pack(">II", 0, len(offsets)) + b"".join(struct.pack(fmt, o) for o in offsets)
    stbl.children = [*(stbl.children or []), leaf(b"co64" if wide else b"stco", body)]


def all_stbls(moov: Box) -> list[Box]:
    """Every track's sample table."""
    return list(moov.find_all(b"trak", b"mdia", b"minf", b"stbl"))


# --- writing a file with new header boxes ----------------------------------------------


def rewrite_mp4(
    source: Path,
    dest: Path,
    moov: Box,
    *,
    ftyp: Box | None = None,
    drop: Callable[[TopBox], bool] = lambda _top: False,
    appended: Callable[[int], bytes] | None = None,
    fix_new_track: Callable[[int], None] | None = None,
    in_place: bool = False,
) -> None:
    """Write `source` to `dest` with `moov` (and `ftyp`) in place of its own, leaving out
    the top-level boxes `drop` picks, and `appended(offset)` (a box) at the end.

    Every chunk offset in `moov` that points into a kept box is moved with that box;
    `fix_new_track(appended_offset)` then sets the offsets of data in the appended box.
    `in_place`: `source` may be changed and renamed to `dest`; when its moov is last and
    nothing before it moves, only the header boxes are written (no copy of the media).
    """
    with source.open("rb") as handle:
        tops = top_level(handle)
    kept = [t for t in tops if not drop(t)]
    old_offsets = [all_chunk_offsets(s) for s in all_stbls(moov)]
    # Chunk offsets never change a box's size (co64 only past 4 GiB): two passes settle.
    for _ in range(3):
        sizes = {
            b"moov": len(moov.to_bytes()),
            b"ftyp": len(ftyp.to_bytes()) if ftyp is not None else None,
        }
        layout, pos = [], 0
        for top in kept:
            size = sizes.get(top.kind) or top.size
            layout.append((top, pos))
            pos += size
        appended_at = pos
        for stbl, offsets in zip(all_stbls(moov), old_offsets, strict=True):
            if offsets is not None:
                set_chunk_offsets(stbl, [_moved(o, layout) for o in offsets])
        if fix_new_track is not None:
            fix_new_track(appended_at)
        if len(moov.to_bytes()) == sizes[b"moov"]:
            break
    if in_place and _header_only(kept, layout):
        _write_header_in_place(source, kept, moov, ftyp, appended(appended_at) if appended else b"")
        source.replace(dest)
        return
    with source.open("rb") as src, dest.open("wb") as out:
        for top in kept:
            if top.kind == b"moov":
                out.write(moov.to_bytes())
            elif top.kind == b"ftyp" and ftyp is not None:
                out.write(ftyp.to_bytes())
            else:
                _copy_range(src, out, top.offset, top.size)
        if appended is not None:
            out.write(appended(appended_at))


def _header_only(kept: list[TopBox], layout: list[tuple[TopBox, int]]) -> bool:
    """True when moov is the last kept box and every kept box stays where it was."""
    return bool(kept) and kept[-1].kind == b"moov" and all(p == t.offset for t, p in layout)


def _write_header_in_place(
    path: Path, kept: list[TopBox], moov: Box, ftyp: Box | None, tail: bytes
) -> None:
    with path.open("r+b") as handle:
        if ftyp is not None:
            old = next(t for t in kept if t.kind == b"ftyp")
            data = ftyp.to_bytes()
            if len(data) != old.size:
                raise MP4Error("the new ftyp box does not fit in place")
            handle.seek(old.offset)
            handle.write(data)
        handle.seek(kept[-1].offset)
        handle.truncate()
        handle.write(moov.to_bytes())
        handle.write(tail)


def all_chunk_offsets(stbl: Box) -> list[int] | None:
    """The chunk offsets of a track, None for a track whose data is not placed yet."""
    if stbl.find(b"stco") is None and stbl.find(b"co64") is None:
        return None
    return chunk_offsets(stbl)


def _moved(offset: int, layout: list[tuple[TopBox, int]]) -> int:
    for top, new_pos in layout:
        if top.offset <= offset < top.offset + top.size:
            return offset - top.offset + new_pos
    raise MP4Error(f"a chunk at byte {offset} lies in no box that is kept")


def _copy_range(src: BinaryIO, out: BinaryIO, offset: int, size: int) -> None:
    src.seek(offset)
    left = size
    while left > 0:
        chunk = src.read(min(_COPY_CHUNK, left))
        if not chunk:
            raise MP4Error("the file ended early")
        out.write(chunk)
        left -= len(chunk)
