"""What the folder picker needs to know about a folder: is a path audio, how much is there.

Small and fast: `summarize_folder` reads only the audio files directly in a folder, with
mutagen's header parsing, and remembers each answer until the folder's mtime changes.
What counts as audio is the scanner's answer (engine/sources/audio_kind.py), so the picker shows
the files a book would be made of.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import mutagen
from natsort import natsorted, ns

from aiom4b_tui.engine.sources.audio_kind import is_audio, open_regular
from aiom4b_tui.engine.sources.scan import list_audio


@dataclass(frozen=True)
class FolderSummary:
    """How many audio files a folder holds directly, and their total length."""

    audio_files: int
    seconds: float


_cache: dict[Path, tuple[int, FolderSummary]] = {}
_cache_lock = threading.Lock()


def is_hidden(path: Path) -> bool:
    """True for dot files and the `._*` companions macOS leaves on other disks."""
    return path.name.startswith(".")


def is_audio_file(path: Path) -> bool:
    """True when the scanner would take the file as audio (and it is not hidden)."""
    return not is_hidden(path) and is_audio(path)


def audio_files_in(folder: Path) -> list[Path]:
    """The audio files directly in `folder`, in natural order (2 before 10)."""
    try:
        entries = [p for p in folder.iterdir() if is_audio_file(p)]
    except OSError:
        return []
    return natsorted(entries, key=lambda p: p.name, alg=ns.IGNORECASE)


def audio_seconds(path: Path) -> float:
    """The length of one audio file from its headers; 0.0 when it cannot be read."""
    try:
        with open_regular(path) as handle:
            info = mutagen.File(handle)
    except Exception:  # mutagen raises many kinds on damaged files; OSError too
        return 0.0
    if info is None or info.info is None:
        return 0.0
    return float(getattr(info.info, "length", 0.0) or 0.0)


def summarize_folder(path: Path) -> FolderSummary:
    """Count and time the audio files directly in `path`; cached by the folder's mtime."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return FolderSummary(0, 0.0)
    with _cache_lock:
        cached = _cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    files = audio_files_in(path)
    summary = FolderSummary(len(files), sum(audio_seconds(f) for f in files))
    with _cache_lock:
        _cache[path] = (mtime, summary)
    return summary


def _first_tag(tags: object, *keys: str) -> str | None:
    for key in keys:
        values = tags.get(key) if hasattr(tags, "get") else None  # type: ignore[attr-defined]
        if values and str(values[0]).strip():
            return str(values[0]).strip()
    return None


def guess_title(folders: list[Path]) -> str | None:
    """'Album · Author' from the first audio file's tags (None when it has no album).

    Cheap enough to call when a job is queued, so the queue shows the book's name
    rather than its folder's before the conversion has read every file.
    """
    for folder in folders:
        try:
            files, _skipped = list_audio(folder)
        except (OSError, ValueError):  # ScanError: an unreadable folder
            continue
        if not files:
            continue
        try:
            with open_regular(files[0]) as handle:
                probed = mutagen.File(handle, easy=True)
        except Exception:  # mutagen raises many kinds on damaged files
            return None
        tags = getattr(probed, "tags", None) if probed is not None else None
        album = _first_tag(tags, "album") if tags is not None else None
        if album is None:
            return None
        author = _first_tag(tags, "albumartist", "artist")
        return f"{album} · {author}" if author else album
    return None
