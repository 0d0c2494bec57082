"""MP4 tagging with mutagen: book tags as the atoms players read, media kind audiobook,
cover; plus reading a cover picture out of a source file.

Series go in every convention players use: movement name and number (`©mvn`/`©mvi`),
iTunes freeform `SERIES`/`SERIES-PART`, and the grouping `Series #N`.
"""

from __future__ import annotations

from pathlib import Path

import mutagen
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

ITUNES = "----:com.apple.iTunes:"
# Our tag name -> MP4 text atoms it is written to.
MP4_ATOMS: dict[str, tuple[str, ...]] = {
    "title": ("©nam",),
    "album": ("©alb",),
    "subtitle": (ITUNES + "SUBTITLE",),
    "author": ("©ART", "aART"),
    "narrator": ("©wrt", "©nrt"),
    "year": ("©day",),
    "genre": ("©gen",),
    "publisher": ("©pub", ITUNES + "PUBLISHER"),
    "language": (ITUNES + "LANGUAGE",),
    "description": ("desc", "ldes"),
    "asin": (ITUNES + "ASIN",),
    "isbn": (ITUNES + "ISBN",),
    "series": ("©mvn", ITUNES + "SERIES"),
    "series_part": (ITUNES + "SERIES-PART",),
    "comment": ("©cmt",),
}
AUDIOBOOK_MEDIA_KIND = 2  # stik


def mp4_tag_values(tags: dict[str, str]) -> dict[str, list]:
    """Atom -> value list for the book's tags (what write_mp4_tags writes)."""
    out: dict[str, list] = {}
    for name, atoms in MP4_ATOMS.items():
        value = (tags.get(name) or "").strip()
        if not value:
            continue
        for atom in atoms:
            out[atom] = [MP4FreeForm(value.encode("utf-8"))] if atom.startswith("----") else [value]
    if "©cmt" not in out and tags.get("description"):
        out["©cmt"] = [tags["description"]]  # players that show only the comment
    series, part = (tags.get("series") or "").strip(), (tags.get("series_part") or "").strip()
    if series:
        out["©grp"] = [f"{series} #{part}" if part else series]
        if part and part.isdigit() and int(part) < 1 << 15:
            out["©mvi"] = [int(part)]
    out["stik"] = [AUDIOBOOK_MEDIA_KIND]
    return out


def write_mp4_tags(path: Path, tags: dict[str, str], cover: bytes | None = None) -> None:
    """Write the book's tags, media kind audiobook, and the cover into an MP4 file."""
    mp4 = MP4(path)
    if mp4.tags is None:
        mp4.add_tags()
    assert mp4.tags is not None
    for atom, value in mp4_tag_values(tags).items():
        mp4.tags[atom] = value
    if cover:
        kind = MP4Cover.FORMAT_PNG if cover[:8] == b"\x89PNG\r\n\x1a\n" else MP4Cover.FORMAT_JPEG
        mp4.tags["covr"] = [MP4Cover(cover, imageformat=kind)]
    mp4.save()


def read_mp4_tags(path: Path) -> dict[str, str]:
    """The book's tags as our names, read back from an MP4 file (for `aiom4b` itself)."""
    tags = MP4(path).tags or {}
    found: dict[str, str] = {}
    for name, atoms in MP4_ATOMS.items():
        for atom in atoms:
            if tags.get(atom):
                value = tags[atom][0]
                found[name] = (
                    bytes(value).decode("utf-8", "replace") if atom[0] == "-" else str(value)
                )
                break
    return found


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
