"""Book tags that mutagen's "easy" reading leaves out, read from the sources themselves:
series and part, subtitle, publisher, language, ASIN, ISBN, narrator, long description.

MP4 (`©mvn`/`©mvi`, `----:com.apple.iTunes:SERIES`, `©grp` "Series #N", ...), ID3
(`TXXX:SERIES`, `MVNM`/`MVIN`, `GRP1`, `TIT3`, `TPUB`, ...) and Vorbis comments
(`SERIES`, `SERIES-PART`, `MOVEMENTNAME`, ...) all map to the same names. Also the
series a folder name gives ("Series 03 - Title").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import mutagen

# Our name -> source keys (lower case; MP4 freeform and ID3 TXXX keys by their name).
SOURCE_KEYS: dict[str, tuple[str, ...]] = {
    "series": ("series", "©mvn", "mvnm", "movementname", "mvn", "series_name"),
    "series_part": (
        "series-part",
        "series_part",
        "seriespart",
        "series part",
        "©mvi",
        "mvin",
        "movement",
        "mvi",
        "part",
    ),
    "subtitle": ("subtitle", "tit3", "©st3"),
    "publisher": ("publisher", "©pub", "tpub", "organization", "label"),
    "language": ("language", "tlan", "lang"),
    "asin": ("asin", "audible_asin", "cdek"),
    "isbn": ("isbn",),
    "narrator": ("narrator", "narratedby", "©nrt", "performer"),
    "long_description": ("ldes", "long_description", "synopsis"),
    "grouping": ("©grp", "grp1", "grouping", "tit1", "contentgroup"),
}
FILES_READ = 3  # series tags sit in every file of a book: a few are enough
_GROUPING = re.compile(
    r"^(?P<series>.+?)\s*(?:#|,?\s*(?:book|vol\.?|volume|part)\s+)\s*(?P<part>\d+(?:\.\d+)?)$", re.I
)
_FOLDER = re.compile(
    r"^(?P<series>.+?)\s*[-,]?\s*(?:#|book\s*|vol\.?\s*|volume\s*|part\s*)?"
    r"(?P<part>\d{1,3}(?:\.\d{1,2})?)\s*[-–—:.]\s+(?P<title>.+)$",
    re.I,
)


def read_source_tags(path: Path) -> dict[str, str]:
    """The extra tags of one source (our names, see SOURCE_KEYS); {} if unreadable."""
    try:
        probed = mutagen.File(path)
    except Exception:
        return {}
    tags = getattr(probed, "tags", None) if probed is not None else None
    if not tags:
        return {}
    raw = _flatten(tags)
    found: dict[str, str] = {}
    for ours, keys in SOURCE_KEYS.items():
        for key in keys:
            if raw.get(key):
                found[ours] = raw[key]
                break
    if "series_part" in found:
        found["series_part"] = _part_number(found["series_part"]) or ""
    if "series" not in found and (grouped := series_from_grouping(found.get("grouping", ""))):
        found["series"], found["series_part"] = grouped
    return {k: v for k, v in found.items() if v and k != "grouping"}


def book_source_tags(paths: Iterable[Path]) -> dict[str, str]:
    """The extra tags of a book: for each name, the first source (of a few) that has it."""
    found: dict[str, str] = {}
    for index, path in enumerate(paths):
        if index >= FILES_READ:
            break
        for key, value in read_source_tags(path).items():
            found.setdefault(key, value)
    return found


def _flatten(tags: Any) -> dict[str, str]:
    """Lower-case key -> first text, over MP4, ID3 and Vorbis tags alike."""
    flat: dict[str, str] = {}
    items = tags.items() if hasattr(tags, "items") else list(tags)
    for key, value in items:
        name = str(key)
        if hasattr(value, "desc") and name.startswith("TXXX"):
            name = str(value.desc)
        elif name.startswith("----:"):
            name = name.rsplit(":", 1)[-1]
        elif len(name) > 4 and name[4] == ":" and name[:4].isupper():
            name = name[:4]  # ID3 frames such as COMM:desc:lang
        text = _text(value)
        if text:
            flat.setdefault(name.lower(), text)
    return flat


def _text(value: Any) -> str:
    if hasattr(value, "text"):  # ID3 frame
        value = list(value.text)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, tuple):  # MP4 track/disc pairs
        value = value[0]
    return str(value).strip() if value is not None else ""


def _part_number(text: str) -> str | None:
    """'3', '03', '3/10', 'Book 3' -> '3'; '2.5' -> '2.5'; None when there is no number."""
    found = re.search(r"\d+(?:\.\d+)?", text)
    if not found:
        return None
    number = found.group(0)
    whole, _dot, frac = number.partition(".")
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def series_from_grouping(text: str) -> tuple[str, str] | None:
    """'Dune #2' or 'Dune, Book 2' -> ('Dune', '2')."""
    found = _GROUPING.match(text.strip())
    if not found:
        return None
    return found.group("series").strip(" ,-"), _part_number(found.group("part")) or ""


def series_from_folder(name: str) -> tuple[str, str, str] | None:
    """'Series 03 - Title' (or 'Series #3 - Title', 'Series, Book 3 - Title') ->
    (series, part, title); None for any other folder name."""
    found = _FOLDER.match(name.strip())
    if not found:
        return None
    series = found.group("series").strip(" ,-")
    part = _part_number(found.group("part"))
    title = found.group("title").strip()
    if not series or not title or part is None or not re.search(r"[^\W\d_]", series):
        return None
    return series, part, title


def merged(*layers: Mapping[str, str | None]) -> dict[str, str]:
    """Later layers win where they have a non-blank value."""
    out: dict[str, str] = {}
    for layer in layers:
        for key, value in layer.items():
            if value is not None and str(value).strip():
                out[key] = str(value).strip()
    return out
