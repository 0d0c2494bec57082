"""MP4 tagging with mutagen: book tags as proper atoms, media kind audiobook, cover;
plus reading a cover picture out of a source file.
"""

from __future__ import annotations

from pathlib import Path

import mutagen
from mutagen.mp4 import MP4, MP4Cover

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
