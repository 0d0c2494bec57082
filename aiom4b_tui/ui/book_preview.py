"""What the add dialog shows before a book is queued: files, chapters, tags, cover, size.

`build_preview` is the one place that knows where a plan comes from. It uses the engine's
`scan_book` + `make_plan` when they are installed, else a plain listing of the folders with
the tags of their first file. Blocking (it reads every file's headers): call it in a thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mutagen

from aiom4b_tui.core.library import audio_files_in, audio_seconds
from aiom4b_tui.core.models import JobOptions

if TYPE_CHECKING:
    from aiom4b_tui.core.settings import Settings

TAG_FIELDS = ("title", "author", "narrator", "year", "genre")
DEFAULT_BITRATE = 64_000
MAX_BITRATE = 128_000
COVER_NAMES = ("cover", "folder", "front", "album")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True)
class PreviewFile:
    """One source file: its name as shown, and how long it plays."""

    name: str
    seconds: float


@dataclass(frozen=True)
class PreviewChapter:
    """One chapter: its title and where it starts."""

    title: str
    start: float


@dataclass
class BookPreview:
    """Everything the add dialog shows about one book-to-be."""

    folders: list[Path]
    files: list[PreviewFile]
    chapters: list[PreviewChapter]
    tags: dict[str, str]
    output_name: str
    cover: Path | None
    duration: float
    expected_bytes: int
    notes: list[str] = field(default_factory=list)


def build_preview(
    folders: list[Path], settings: Settings | None, options: JobOptions | None = None
) -> BookPreview:
    """The plan of one book made from `folders`, in that order."""
    options = options or JobOptions()
    try:
        return _preview_from_engine(folders, settings, options)
    except ImportError:
        return _preview_from_listing(folders, settings, options)


def _preview_from_engine(
    folders: list[Path], settings: Settings | None, options: JobOptions
) -> BookPreview:
    from aiom4b_tui.core.plan import make_plan  # noqa: F401  (not on main yet)
    from aiom4b_tui.core.scan import scan_book  # noqa: F401

    raise ImportError("the engine adapter is wired once the engine lands on main")


def _preview_from_listing(
    folders: list[Path], settings: Settings | None, options: JobOptions
) -> BookPreview:
    files: list[PreviewFile] = []
    chapters: list[PreviewChapter] = []
    paths: list[Path] = []
    position = 0.0
    for folder in folders:
        for path in audio_files_in(folder):
            seconds = audio_seconds(path)
            name = path.name if len(folders) == 1 else f"{folder.name}/{path.name}"
            files.append(PreviewFile(name, seconds))
            chapters.append(PreviewChapter(_tag(path, "title") or path.stem, position))
            paths.append(path)
            position += seconds
    tags = _book_tags(paths[0], folders[0]) if paths else {"title": folders[0].name}
    bitrate = options.bitrate or _setting(settings, "bitrate") or _source_bitrate(paths)
    notes = [] if paths else ["no audio files in these folders"]
    return BookPreview(
        folders=list(folders),
        files=files,
        chapters=chapters,
        tags=tags,
        output_name=options.output_name or _output_name(tags, folders[0]),
        cover=_find_cover(folders, paths),
        duration=position,
        expected_bytes=int(position * bitrate / 8),
        notes=notes,
    )


def _setting(settings: Settings | None, name: str) -> Any:
    return getattr(settings, name, None) if settings is not None else None


def _easy(path: Path) -> Any:
    try:
        return mutagen.File(path, easy=True)
    except Exception:
        return None


def _tag(path: Path, key: str) -> str | None:
    audio = _easy(path)
    if audio is None or audio.tags is None:
        return None
    values = audio.tags.get(key)
    return str(values[0]).strip() or None if values else None


def _book_tags(first: Path, folder: Path) -> dict[str, str]:
    """The book's tags as the first file has them: album as title, artist as author..."""
    sources = {
        "title": ("album",),
        "author": ("albumartist", "artist"),
        "narrator": ("composer",),
        "year": ("date", "originaldate"),
        "genre": ("genre",),
    }
    tags = {}
    for name, keys in sources.items():
        value = next((v for v in (_tag(first, k) for k in keys) if v), "")
        tags[name] = value[:4] if name == "year" else value
    tags["title"] = tags["title"] or folder.name
    return tags


def _source_bitrate(paths: list[Path]) -> int:
    rates = []
    for path in paths[:20]:
        try:
            info = mutagen.File(path)
            rate = getattr(info.info, "bitrate", 0) if info else 0
        except Exception:
            rate = 0
        if rate:
            rates.append(rate)
    if not rates:
        return DEFAULT_BITRATE
    return min(int(sum(rates) / len(rates)), MAX_BITRATE)


def _output_name(tags: dict[str, str], folder: Path) -> str:
    title = tags.get("title") or folder.name
    author = tags.get("author")
    return f"{author} - {title}" if author else title


def _find_cover(folders: list[Path], paths: list[Path]) -> Path | None:
    for folder in folders:
        images = sorted(
            p for p in _safe_list(folder) if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
        )
        named = [p for p in images if p.stem.lower() in COVER_NAMES]
        if named or images:
            return (named or images)[0]
    return paths[0] if paths and _has_picture(paths[0]) else None


def _safe_list(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if not p.name.startswith(".")]
    except OSError:
        return []


def _has_picture(path: Path) -> bool:
    try:
        audio = mutagen.File(path)
    except Exception:
        return False
    tags = getattr(audio, "tags", None)
    if tags is None:
        return False
    keys = [str(k) for k in tags]
    return any(k.startswith("APIC") or k == "covr" for k in keys) or bool(
        getattr(audio, "pictures", None)
    )
