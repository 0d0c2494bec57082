"""MP4 tagging with mutagen: book tags as proper atoms, media kind audiobook, cover;
plus reading a cover picture out of a source file and an MP4's edit-list priming.
"""

from __future__ import annotations

import struct
from pathlib import Path

import mutagen
from mutagen.mp4 import MP4, Atoms, MP4Cover

# Our tag name -> MP4 atoms it is written to.
MP4_ATOMS: dict[str, tuple[str, ...]] = {
    "title": ("©nam",),
    "album": ("©alb",),
    "author": ("©ART", "aART"),
    "narrator": ("©wrt",),
    "year": ("©day",),
    "genre": ("©gen",),
    "description": ("desc", "©cmt"),
}
AUDIOBOOK_MEDIA_KIND = 2  # stik


def write_mp4_tags(path: Path, tags: dict[str, str], cover: bytes | None = None) -> None:
    """Write the book's tags, media kind audiobook, and the cover into an MP4 file."""
    mp4 = MP4(path)
    if mp4.tags is None:
        mp4.add_tags()
    assert mp4.tags is not None
    for name, atoms in MP4_ATOMS.items():
        value = tags.get(name)
        if value:
            for atom in atoms:
                mp4.tags[atom] = [value]
    mp4.tags["stik"] = [AUDIOBOOK_MEDIA_KIND]
    if cover:
        kind = MP4Cover.FORMAT_PNG if cover[:8] == b"\x89PNG\r\n\x1a\n" else MP4Cover.FORMAT_JPEG
        mp4.tags["covr"] = [MP4Cover(cover, imageformat=kind)]
    mp4.save()


def embedded_picture(path: Path) -> bytes | None:
    """The first embedded JPEG/PNG picture of an audio file, if it has one."""
    try:
        probed = mutagen.File(path)
    except Exception:
        return None
    if probed is None:
        return None
    pictures = getattr(probed, "pictures", None)  # FLAC
    if pictures:
        return bytes(pictures[0].data)
    tags = getattr(probed, "tags", None)
    if tags is None:
        return None
    for key in tags:
        if str(key).startswith("APIC"):
            return bytes(tags[key].data)
    if tags.get("covr"):
        return bytes(tags["covr"][0])
    return None


def mp4_priming(path: Path, default: int = 1024) -> int:
    """Samples an MP4's edit list skips at the start (its encoder priming)."""
    try:
        with path.open("rb") as handle:
            atoms = Atoms(handle)
            for trak in atoms.path(b"moov")[-1].findall(b"trak"):
                elst = _child(trak, b"edts", b"elst")
                if elst is None:
                    continue
                handle.seek(elst.offset + 8)
                data = handle.read(elst.length - 8)
                return _first_media_time(data, default)
    except Exception:
        return default
    return default


def _child(atom, *names: bytes):
    for name in names:
        found = [c for c in (atom.children or []) if c.name == name]
        if not found:
            return None
        atom = found[0]
    return atom


def _first_media_time(data: bytes, default: int) -> int:
    version = data[0]
    entries = struct.unpack(">I", data[4:8])[0]
    if not entries:
        return default
    offset = 8
    for _ in range(entries):
        if version == 1:
            _duration, media_time = struct.unpack(">Qq", data[offset : offset + 16])
            offset += 20
        else:
            _duration, media_time = struct.unpack(">Ii", data[offset : offset + 8])
            offset += 12
        if media_time >= 0:  # -1 is an empty edit
            return media_time
    return default
