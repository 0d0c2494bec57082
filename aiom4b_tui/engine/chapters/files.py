"""Chapter files in the formats people keep them in, read and written.

- mp4v2 `chapters.txt`: one `HH:MM:SS.mmm Title` per line;
- ffmetadata: `;FFMETADATA1` with `[CHAPTER]` blocks (TIMEBASE, START, END, title);
- CUE sheets: `TRACK` / `TITLE` / `INDEX 01 MM:SS:FF` (75 frames a second), per `FILE`;
- Audible-style JSON: `chapters` of `start_offset_ms`, `length_ms`, `title` (nested
  chapters flattened), at the top or under `content_metadata.chapter_info`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("txt", "ffmetadata", "cue", "json")
CUE_FRAMES = 75
MAX_CHAPTER_FILE_BYTES = 4 << 20
# Names of a chapter file beside the book, in the order they are preferred.
BESIDE_NAMES = ("chapters.txt", "chapters.json", "chapters.ffmetadata", "ffmetadata.txt")
BESIDE_SUFFIXES = (".chapters.txt", ".chapters.json", ".ffmetadata", ".cue")


class ChapterFileError(ValueError):
    """A chapter file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class ChapterMark:
    """A chapter from a file: start in seconds (in the book, or in `file` when a CUE
    sheet names several files), and its title."""

    start: float
    title: str
    file: str | None = None


def read_chapter_file(path: Path) -> list[ChapterMark]:
    """The chapters of a chapter file, in the format its name or content shows."""
    try:
        if path.stat().st_size > MAX_CHAPTER_FILE_BYTES:
            raise ChapterFileError(f"{path}: too large for a chapter file")
        raw = path.read_bytes()
    except OSError as exc:
        raise ChapterFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    text = _decode(raw)
    kind = detect_format(path, text)
    try:
        marks = PARSERS[kind](text)
    except ChapterFileError as exc:
        raise ChapterFileError(f"{path}: {exc}") from exc
    if not marks:
        raise ChapterFileError(f"{path}: no chapters found")
    return marks


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp1252", "replace")  # old CUE sheets


def detect_format(path: Path, text: str) -> str:
    """'txt', 'ffmetadata', 'cue' or 'json'."""
    head = text.lstrip()
    if head.startswith(";FFMETADATA"):
        return "ffmetadata"
    if path.suffix.lower() == ".json" or head.startswith(("{", "[")):
        return "json"
    if path.suffix.lower() == ".cue" or re.search(r"^\s*TRACK\s+\d+", text, re.M | re.I):
        return "cue"
    return "txt"


# --- reading ---------------------------------------------------------------------------

_TXT_LINE = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)\s*(.*)$")


def parse_txt(text: str) -> list[ChapterMark]:
    """mp4v2's chapters.txt: `HH:MM:SS.mmm Title` (hours optional); # comments."""
    marks = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _TXT_LINE.match(line)
        if not found:
            raise ChapterFileError(f"line {number}: expected 'HH:MM:SS.mmm Title': {line[:60]!r}")
        hours, minutes, seconds, title = found.groups()
        start = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds.replace(",", "."))
        marks.append(ChapterMark(start, title.strip() or f"Chapter {len(marks) + 1}"))
    return marks


def parse_ffmetadata(text: str) -> list[ChapterMark]:
    """ffmetadata [CHAPTER] blocks (escaped `\\=`, `\\;`, `\\#`, `\\\\`, line ends)."""
    marks = []
    for number, block in enumerate(re.split(r"^\[CHAPTER\]\s*$", text, flags=re.M)[1:], 1):
        body = re.split(r"^\[[A-Z]+\]\s*$", block, maxsplit=1, flags=re.M)[0]  # [STREAM]...
        fields = _ffmetadata_fields(body)
        try:
            num, den = (int(v) for v in fields.get("TIMEBASE", "1/1000").split("/"))
            start = int(fields["START"]) * num / den
        except (KeyError, ValueError) as exc:
            raise ChapterFileError(f"chapter {number}: no valid TIMEBASE/START") from exc
        marks.append(ChapterMark(start, fields.get("title", "") or f"Chapter {number}"))
    return marks


def _ffmetadata_fields(block: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    lines = iter(block.splitlines())
    for line in lines:
        while line.endswith("\\") and not line.endswith("\\\\"):
            line = line[:-1] + "\n" + next(lines, "")
        if not line or line.startswith((";", "#")) or "=" not in line:
            continue
        key, _eq, value = _split_unescaped(line)
        fields[key] = value
    return fields


def _split_unescaped(line: str) -> tuple[str, str, str]:
    out, key, i = [], None, 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            out.append(line[i + 1])
            i += 2
            continue
        if ch == "=" and key is None:
            key, out = "".join(out), []
        else:
            out.append(ch)
        i += 1
    return (key or "", "=", "".join(out))


_CUE_INDEX = re.compile(r"^\s*INDEX\s+(\d+)\s+(\d+):(\d{1,2}):(\d{1,2})\s*$", re.I)
_CUE_TITLE = re.compile(r'^\s*TITLE\s+"?(.*?)"?\s*$', re.I)
_CUE_FILE = re.compile(r'^\s*FILE\s+"?(.*?)"?(?:\s+\w+)?\s*$', re.I)
_CUE_TRACK = re.compile(r"^\s*TRACK\s+(\d+)", re.I)


def parse_cue(text: str) -> list[ChapterMark]:
    """A CUE sheet: each track's INDEX 01 (else 00), title; starts within its FILE."""
    marks: list[ChapterMark] = []
    current_file: str | None = None
    track: dict[str, object] | None = None
    files_seen: list[str] = []

    def close() -> None:
        if track is not None:
            if "start" not in track:
                raise ChapterFileError(f"track {track['number']} has no INDEX 01")
            title = str(track.get("title") or f"Track {track['number']}")
            marks.append(ChapterMark(float(track["start"]), title, track.get("file")))  # type: ignore[arg-type]

    for line in text.splitlines():
        if found := _CUE_FILE.match(line):
            current_file = found.group(1)
            files_seen.append(current_file)
        elif found := _CUE_TRACK.match(line):
            close()
            track = {"number": int(found.group(1)), "file": current_file}
        elif track is not None and (found := _CUE_TITLE.match(line)):
            track["title"] = found.group(1)
        elif track is not None and (found := _CUE_INDEX.match(line)):
            index, minutes, seconds, frames = (int(g) for g in found.groups())
            start = minutes * 60 + seconds + frames / CUE_FRAMES
            if index == 1 or (index == 0 and "start" not in track):
                track["start"] = start
    close()
    if len(set(files_seen)) <= 1:  # one file: starts are book times
        marks = [ChapterMark(m.start, m.title) for m in marks]
    return marks


def parse_json(text: str) -> list[ChapterMark]:
    """Audible-style chapter JSON (nested chapters flattened, in start order)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChapterFileError(f"not JSON: {exc.msg} at line {exc.lineno}") from exc
    if isinstance(data, dict):
        info = data.get("content_metadata", {}).get("chapter_info") or data.get("chapter_info")
        data = (info or data).get("chapters")
    if not isinstance(data, list):
        raise ChapterFileError("no 'chapters' list")
    marks: list[ChapterMark] = []
    _flatten_json(data, marks)
    return sorted(marks, key=lambda m: m.start)


def _flatten_json(items: list, marks: list[ChapterMark]) -> None:
    for item in items:
        if not isinstance(item, dict):
            raise ChapterFileError("a chapter is not an object")
        try:
            start = float(item.get("start_offset_ms", item.get("startOffsetMs")))
        except (TypeError, ValueError) as exc:
            raise ChapterFileError(f"chapter {len(marks) + 1} has no start_offset_ms") from exc
        marks.append(ChapterMark(start / 1000, str(item.get("title") or "").strip()))
        if isinstance(item.get("chapters"), list):
            _flatten_json(item["chapters"], marks)


PARSERS = {"txt": parse_txt, "ffmetadata": parse_ffmetadata, "cue": parse_cue, "json": parse_json}


# --- writing ---------------------------------------------------------------------------


def format_chapters(
    marks: Sequence[ChapterMark], kind: str, *, total: float, audio_name: str = "book.m4b"
) -> str:
    """The chapters as a file of `kind` ('txt', 'ffmetadata', 'cue', 'json');
    `total` is the book's length in seconds (for the last chapter's end)."""
    ends = [m.start for m in marks[1:]] + [max(total, marks[-1].start if marks else 0)]
    if kind == "txt":
        return "".join(f"{_clock(m.start)} {_one_line(m.title)}\n" for m in marks)
    if kind == "ffmetadata":
        lines = [";FFMETADATA1"]
        for mark, end in zip(marks, ends, strict=True):
            lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(mark.start * 1000)}"]
            lines += [f"END={round(end * 1000)}", f"title={_escape(mark.title)}"]
        return "\n".join(lines) + "\n"
    if kind == "cue":
        lines = [f'FILE "{audio_name}" MP4']
        for number, mark in enumerate(marks, 1):
            lines += [f"  TRACK {number:02d} AUDIO", f'    TITLE "{_cue_text(mark.title)}"']
            lines.append(f"    INDEX 01 {_cue_time(mark.start)}")
        return "\n".join(lines) + "\n"
    if kind == "json":
        items = [
            {
                "start_offset_ms": round(m.start * 1000),
                "length_ms": round(end * 1000) - round(m.start * 1000),
                "title": m.title,
            }
            for m, end in zip(marks, ends, strict=True)
        ]
        return json.dumps({"chapters": items}, ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown chapter format {kind!r} (one of {', '.join(FORMATS)})")


def _clock(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _cue_time(seconds: float) -> str:
    frames = round(seconds * CUE_FRAMES)
    return f"{frames // (60 * CUE_FRAMES):02d}:{frames // CUE_FRAMES % 60:02d}:{frames % 75:02d}"


def _one_line(text: str) -> str:
    return re.sub(r"[\r\n]+", " ", text)


def _cue_text(text: str) -> str:
    return _one_line(text).replace('"', "'")


def _escape(text: str) -> str:
    for ch in ("\\", "=", ";", "#", "\n"):
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", " ")


# --- finding one beside the book -------------------------------------------------------


def find_chapter_file(folders: Sequence[Path], audio_files: Sequence[Path]) -> Path | None:
    """A chapter file beside the book: chapters.txt/.json, an ffmetadata file, or a CUE
    sheet (one naming a single audio file of the book, or the only one there)."""
    for folder in folders[:1]:
        try:
            entries = sorted(p for p in folder.iterdir() if p.is_file())
        except OSError:
            return None
        by_name = {p.name.lower(): p for p in entries}
        for name in BESIDE_NAMES:
            if name in by_name:
                return by_name[name]
        for suffix in BESIDE_SUFFIXES:
            found = [p for p in entries if p.name.lower().endswith(suffix)]
            if suffix == ".cue":
                stems = {a.stem.lower() for a in audio_files}
                matching = [p for p in found if p.stem.lower() in stems]
                found = matching or (found if len(found) == 1 else [])
            if found:
                return found[0]
    return None
