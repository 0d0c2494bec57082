"""Is this file audio? Decided by what ffmpeg can decode, not by the name alone.

Cheap first: a name with a well-known audio extension is audio; images, text,
playlists, documents and archives are skipped by extension or by their first bytes
without running anything. Whatever is left is probed once: mutagen's header parsing,
else one short ffmpeg decode check. Answers are remembered per (path, size, mtime), so
the folder picker, the inbox watcher and the scanner ask at most once per file.

Special files (FIFOs, sockets, devices) are never opened: a FIFO named `.mp3` would
block `open()` for ever. Files are opened with O_NONBLOCK, so a file swapped for a FIFO
between the check and the open cannot block either.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import mutagen

# Audio for certain by name (mutagen and ffmpeg read them all).
AUDIO_EXTENSIONS = frozenset(
    {
        ".mp3",
        ".m4a",
        ".m4b",
        ".mp4",
        ".aac",
        ".flac",
        ".ogg",
        ".oga",
        ".opus",
        ".wma",
        ".wav",
        ".aif",
        ".aiff",
        ".aifc",
        ".wv",  # WavPack
        ".ape",  # Monkey's Audio
        ".mpc",  # Musepack
        ".mp+",
        ".tak",
        ".dsf",
        ".dff",
        ".ac3",
        ".eac3",
        ".ec3",
        ".spx",  # Speex
        ".3gp",
        ".3g2",
        ".mka",
        ".tta",
        ".mp2",
        ".mpa",
        ".amr",
        ".caf",
        ".au",
        ".w64",
        ".dts",
    }
)

# Never audio: skipped by name without reading a byte.
NOT_AUDIO_EXTENSIONS = frozenset(
    {
        # images
        *(".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic"),
        *(".svg", ".ico", ".psd", ".jxl", ".avif"),
        # text, cue sheets, logs, chapter files
        *(".txt", ".nfo", ".cue", ".log", ".md", ".rtf", ".json", ".xml", ".html", ".htm"),
        *(".csv", ".ini", ".toml", ".yaml", ".yml", ".srt", ".lrc", ".chapters", ".diz"),
        # playlists
        *(".m3u", ".m3u8", ".pls", ".xspf", ".wpl", ".asx", ".fpl"),
        # documents and e-books
        *(".pdf", ".epub", ".mobi", ".azw", ".azw3", ".doc", ".docx", ".odt", ".djvu"),
        # archives, checksums, system files
        *(".zip", ".rar", ".7z", ".tar", ".gz", ".bz2", ".xz", ".zst", ".torrent"),
        *(".sfv", ".md5", ".sha1", ".sha256", ".ffp", ".par2", ".accurip", ".url", ".lnk"),
        *(".db", ".exe", ".dll", ".sh", ".bat", ".py", ".ds_store"),
    }
)

# Leading bytes of files that are not audio.
_NOT_AUDIO_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image"),
    (b"\x89PNG", "image"),
    (b"GIF8", "image"),
    (b"%PDF", "document"),
    (b"PK\x03\x04", "archive"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf", "archive"),
    (b"\x1f\x8b", "archive"),
    (b"#EXTM3U", "playlist"),
    (b"[playlist]", "playlist"),
    (b"<?xml", "text"),
)
_SNIFF_BYTES = 512
_CHECK_SECONDS = "1"
_CHECK_TIMEOUT = 60.0

_cache: dict[tuple[str, int, int], str | None] = {}
_cache_lock = threading.Lock()


def file_kind(mode: int) -> str | None:
    """None for a regular file, else what it is ("FIFO", "socket", "device", …)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special file"


def special_file_reason(path: Path) -> str | None:
    """Why `path` is not a regular file we may open (None: it is one). Follows symlinks."""
    try:
        kind = file_kind(os.stat(path).st_mode)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    return f"not a regular file ({kind})" if kind else None


@contextlib.contextmanager
def open_regular(path: Path) -> Iterator[IO[bytes]]:
    """Open `path` for reading without ever blocking on a FIFO or device.

    Raises OSError (errno 0, a reason in its message) when the opened file is not a
    regular file.
    """
    handle = open(path, "rb", opener=_nonblocking)  # noqa: SIM115 - closed below
    try:
        kind = file_kind(os.fstat(handle.fileno()).st_mode)
        if kind:
            raise OSError(0, f"not a regular file ({kind})", str(path))
        os.set_blocking(handle.fileno(), True)
    except BaseException:
        handle.close()
        raise
    with handle:
        yield handle


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def by_name(path: Path) -> str | None:
    """'audio', 'not audio', or None when the name does not tell."""
    suffix = path.suffix.lower()
    if suffix in AUDIO_EXTENSIONS:
        return "audio"
    if suffix in NOT_AUDIO_EXTENSIONS or path.name.lower() in NOT_AUDIO_EXTENSIONS:
        return "not audio"
    return None


def sniff_not_audio(head: bytes) -> str | None:
    """What the first bytes of a file say it is, when that is not audio (else None)."""
    for magic, what in _NOT_AUDIO_MAGIC:
        if head.startswith(magic):
            return what
    if head and _is_text(head):
        return "text"
    return None


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the sniffed bytes is still text.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return all(ch.isprintable() or ch in "\r\n\t\f" for ch in text)


def _mutagen_length(handle: IO[bytes]) -> float:
    try:
        probed = mutagen.File(handle)
    except Exception:  # mutagen raises many kinds on files it cannot read
        return 0.0
    info = getattr(probed, "info", None) if probed is not None else None
    return float(getattr(info, "length", 0) or 0)


def ffmpeg_decodes(path: Path, ffmpeg: str) -> str | None:
    """One short decode check: None when ffmpeg gets audio out of `path`, else why not."""
    cmd = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-i", str(path)]
    cmd += ["-map", "0:a:0", "-t", _CHECK_SECONDS, "-ac", "1", "-ar", "8000", "-f", "s16le", "-"]
    try:
        done = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=_CHECK_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "ffmpeg took too long to read it"
    except OSError as exc:
        return f"ffmpeg could not be started: {exc}"
    if done.returncode == 0 and done.stdout:
        return None
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no audio stream"


def probe_reason(path: Path, ffmpeg: str | None) -> str | None:
    """Why a file whose name does not tell is not audio (None: it is audio). Uncached."""
    try:
        with open_regular(path) as handle:
            head = handle.read(_SNIFF_BYTES)
            if not head:
                return "empty file"
            what = sniff_not_audio(head)
            if what:
                return f"not audio ({what})"
            handle.seek(0)
            if _mutagen_length(handle) > 0:
                return None
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if ffmpeg is None:
        from aiom4b_tui.engine.ffmpeg.run import FFmpegNotFoundError, find_ffmpeg

        try:
            ffmpeg = find_ffmpeg()
        except FFmpegNotFoundError:
            return "not audio (unknown type, and no ffmpeg to check it)"
    why = ffmpeg_decodes(path, ffmpeg)
    return None if why is None else f"not audio (ffmpeg: {why})"


def skip_reason(path: Path, ffmpeg: str | None = None) -> str | None:
    """Why the scanner skips `path` (None: it is audio, or audio by its name).

    Hidden files and AppleDouble companions are skipped; a non-regular file is never
    opened; a name that does not tell is probed once (cached by size and mtime).
    """
    name = path.name
    if name.startswith("._"):
        return "AppleDouble file"
    if name.startswith("."):
        return "hidden file"
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    kind = file_kind(info.st_mode)
    if kind:
        return f"not a regular file ({kind})"
    verdict = by_name(path)
    if verdict == "audio":
        return None
    if verdict == "not audio":
        return "not audio"
    key = (str(path), info.st_size, info.st_mtime_ns)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    reason = probe_reason(path, ffmpeg)
    with _cache_lock:
        _cache[key] = reason
    return reason


def is_audio(path: Path, ffmpeg: str | None = None) -> bool:
    """True when the scanner would take `path` as audio."""
    return skip_reason(path, ffmpeg) is None
