"""Find the audio files of a book, in reading order, and probe each one with mutagen.

A book is one or more folders, read recursively in the order given. Nothing here writes
anywhere; a file mutagen cannot read gets one ffmpeg decode check. What counts as audio
is decided by engine/sources/audio_kind.py (by name where that is certain, else by probing), and
special files (FIFOs, devices) are skipped without being opened.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mutagen
from natsort import natsorted, ns

from aiom4b_tui.engine.ffmpeg.run import find_ffmpeg
from aiom4b_tui.engine.sources.audio_kind import AUDIO_EXTENSIONS, open_regular, skip_reason

__all__ = [
    "AUDIO_EXTENSIONS",
    "AudioFile",
    "BookScan",
    "ScanAbandoned",
    "ScanError",
    "abandon_scans",
    "list_audio",
    "scan_book",
]

COVER_STEMS = ("cover", "folder", "front")
COVER_EXTENSIONS = (".jpg", ".jpeg", ".png")

# Tag names, normalised: our name -> the keys mutagen's "easy" interfaces use.
_TAG_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "album": ("album",),
    "artist": ("artist",),
    "albumartist": ("albumartist", "album artist", "album_artist"),
    "composer": ("composer",),
    "date": ("date", "year"),
    "genre": ("genre",),
    "comment": ("comment", "description"),
    "description": ("description",),
    "track": ("tracknumber",),
    "disc": ("discnumber",),
}


class ScanError(ValueError):
    """A book folder that cannot be converted; the message names the bad path."""


@dataclass(frozen=True)
class AudioFile:
    """One source file of a book, as probed (duration is the probe's, not exact)."""

    path: Path
    rel: str  # path relative to its book folder, for display and titles
    duration: float
    codec: str  # mp3, aac, alac, flac, vorbis, opus, wma, pcm, unknown
    sample_rate: int
    channels: int
    bitrate: int  # bits/s, 0 when unknown
    tags: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    chapters: tuple[tuple[float, str], ...] = ()  # (start seconds, title) of its own
    has_picture: bool = False
    # How a job's options name it (JobOptions.files, ChapterEntry.file): `rel`, or in a
    # book of several folders its path from their common parent (CD1/01.mp3, CD2/01.mp3).
    key: str = ""

    @property
    def job_name(self) -> str:
        """The file's name in a job's options: unique within its book."""
        return self.key or self.rel


@dataclass
class BookScan:
    """The files of a book in reading order, what was skipped and why, and its cover."""

    folders: list[Path]
    files: list[AudioFile]
    skipped: list[tuple[Path, str]]
    cover: Path | None  # an image file in a book folder
    picture_file: Path | None = None  # else: the first source with an embedded picture


class ScanAbandoned(ScanError):
    """The scan was given up (`abandon_scans`): the process is stopping."""


_generation = itertools.count()
_abandoned_before = 0  # scans started before this generation stop at their next file


def abandon_scans() -> None:
    """Make every scan running now stop at its next file (ScanAbandoned).

    For a process that is stopping (Ctrl-C, SIGTERM): a scan runs in a thread that
    asyncio cannot cancel, and the process would wait for it before it exits.
    """
    global _abandoned_before
    _abandoned_before = next(_generation) + 1


def _check_going(started: int) -> None:
    if started < _abandoned_before:
        raise ScanAbandoned("scan given up: stopping")


def scan_book(folders: Sequence[Path], *, ffmpeg: str | None = None) -> BookScan:
    """Find, order and probe the audio of a book (blocking; run it in a thread)."""
    if not folders:
        raise ScanError("no folders given")
    started = next(_generation)
    files: list[AudioFile] = []
    skipped: list[tuple[Path, str]] = []
    cover: Path | None = None
    for folder in folders:
        folder = Path(folder).absolute()
        if not folder.is_dir():
            raise ScanError(f"{folder} is not a folder")
        audio, skipped_here = list_audio(folder, ffmpeg=ffmpeg)
        skipped.extend(skipped_here)
        cover = cover or find_cover_image(folder)
        for path in audio:
            _check_going(started)
            files.append(probe_file(path, folder, ffmpeg=ffmpeg))
    if not files:
        names = ", ".join(str(f) for f in folders)
        if skipped:
            shown = "; ".join(f"{path.name}: {why}" for path, why in skipped[:3])
            more = f"; {len(skipped) - 3} more" if len(skipped) > 3 else ""
            raise ScanError(f"no audio files in {names} (skipped {shown}{more})")
        raise ScanError(f"no audio files in {names}: the folder is empty")
    files = with_job_names(files, folders)
    picture_file = None if cover else next((f.path for f in files if f.has_picture), None)
    return BookScan(list(map(Path, folders)), files, skipped, cover, picture_file)


def with_job_names(files: list[AudioFile], folders: Sequence[Path]) -> list[AudioFile]:
    """The files of a book made of several folders, each keyed by its path from the
    folders' common parent, so two folders' `01.mp3` are two names in a job's options."""
    if len(folders) < 2:
        return files
    common = Path(os.path.commonpath([str(Path(f).absolute()) for f in folders]))
    return [dataclasses.replace(f, key=f.path.relative_to(common).as_posix()) for f in files]


def list_audio(
    folder: Path, *, ffmpeg: str | None = None
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The audio files under `folder` in reading order, and the files skipped (with why).

    Names that do not tell are probed (mutagen, else a short decode by `ffmpeg`).
    """
    audio: list[Path] = []
    skipped: list[tuple[Path, str]] = []

    def on_error(exc: OSError) -> None:
        raise ScanError(f"cannot read the folder {exc.filename}: {exc.strerror}")

    for root, dirs, names in os.walk(folder, onerror=on_error):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(root, name)
            reason = skip_reason(path, ffmpeg)
            if reason:
                skipped.append((path, reason))
            else:
                audio.append(path)
    ordered = natsorted(
        audio, key=lambda p: p.relative_to(folder).as_posix(), alg=ns.PATH | ns.IGNORECASE
    )
    return ordered, skipped


def find_cover_image(folder: Path) -> Path | None:
    """A `cover.*`, `folder.*` or `front.*` JPEG/PNG directly in `folder`, if any."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return None
    for stem in COVER_STEMS:
        for entry in entries:
            if (
                entry.stem.lower() == stem
                and entry.suffix.lower() in COVER_EXTENSIONS
                and entry.is_file()
            ):
                return entry
    return None


def probe_file(path: Path, folder: Path, *, ffmpeg: str | None = None) -> AudioFile:
    """Probe one audio file with mutagen (ffmpeg decode check if mutagen cannot)."""
    rel = path.relative_to(folder).as_posix()
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise ScanError(f"{path} is empty (0 bytes)")
            probed = _mutagen_file(handle)
            handle.seek(0)
            easy = _mutagen_file(handle, easy=True)
    except OSError as exc:
        raise ScanError(f"{path} cannot be read: {exc.strerror or exc}") from exc
    if probed is None or getattr(probed, "info", None) is None or not _length(probed):
        return _probe_with_ffmpeg(path, rel, ffmpeg)
    info = probed.info
    codec = _codec_of(probed)
    rate = int(getattr(info, "sample_rate", 0) or 0)
    return AudioFile(
        path=path,
        rel=rel,
        duration=float(info.length),
        codec=codec,
        sample_rate=rate or (48000 if codec == "opus" else 0),  # Opus always decodes at 48k
        channels=int(getattr(info, "channels", 0) or 0),
        bitrate=int(getattr(info, "bitrate", 0) or 0),
        tags=_easy_tags(easy) | _id3_extras(probed),
        chapters=_chapters_of(probed),
        has_picture=_has_picture(probed),
    )


def _mutagen_file(handle: Any, *, easy: bool = False) -> Any:
    try:
        return mutagen.File(handle, easy=easy)
    except Exception:  # mutagen raises many kinds on damaged files
        return None


def _length(probed: Any) -> float:
    return float(getattr(probed.info, "length", 0) or 0)


def _codec_of(probed: Any) -> str:
    kind = type(probed).__name__
    info = probed.info
    if kind in ("MP3", "EasyMP3"):
        return "mp3"
    if kind in ("MP4", "EasyMP4"):
        codec = str(getattr(info, "codec", ""))
        if codec == "mp4a.40.2":
            return "aac"  # AAC-LC; HE-AAC (SBR) is told apart, as it cannot be copied as is
        if codec.startswith("mp4a.40"):
            return "aac-he" if codec in ("mp4a.40.5", "mp4a.40.29") else "aac-other"
        return "alac" if codec == "alac" else (codec or "unknown")
    return {
        "AAC": "aac",
        "FLAC": "flac",
        "OggVorbis": "vorbis",
        "OggOpus": "opus",
        "OggFLAC": "flac",
        "ASF": "wma",
        "WAVE": "pcm",
        "AIFF": "pcm",
        "WavPack": "wavpack",
        "MonkeysAudio": "ape",
        "Musepack": "musepack",
        "TAK": "tak",
        "DSF": "dsd",
        "DSDIFF": "dsd",
        "AC3": "ac3",
        "OggSpeex": "speex",
        "TrueAudio": "tta",
    }.get(kind, kind.lower())


def _easy_tags(easy: Any) -> dict[str, str]:
    if easy is None or not getattr(easy, "tags", None):
        return {}
    raw = {str(k).lower(): v for k, v in easy.tags.items()}
    tags: dict[str, str] = {}
    for ours, keys in _TAG_KEYS.items():
        for key in keys:
            value = raw.get(key)
            text = _first_text(value)
            if text:
                tags[ours] = text
                break
    return tags


def _id3_extras(probed: Any) -> dict[str, str]:
    """ID3 comment/description (COMM, TXXX), which mutagen's easy interface leaves out."""
    tags = getattr(probed, "tags", None)
    if tags is None or not hasattr(tags, "getall"):
        return {}
    found: dict[str, str] = {}
    for frame in tags.getall("TXXX"):
        key = str(frame.desc).lower()
        text = _first_text(list(frame.text))
        if key in ("comment", "description") and text:
            found[key] = text
    for frame in tags.getall("COMM"):
        text = _first_text(list(frame.text))
        if text:
            found["comment"] = text
            break
    return found


def _first_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    text = str(value).strip() if value is not None else ""
    return text or None


def _chapters_of(probed: Any) -> tuple[tuple[float, str], ...]:
    chapters = getattr(probed, "chapters", None)
    if not chapters:
        return ()
    return tuple((float(c.start), str(c.title or "")) for c in chapters)


def _has_picture(probed: Any) -> bool:
    tags = getattr(probed, "tags", None)
    if getattr(probed, "pictures", None):  # FLAC
        return True
    if tags is None:
        return False
    keys = [str(k) for k in tags]
    if any(k.startswith("APIC") for k in keys):  # ID3
        return True
    if "covr" in keys:  # MP4
        return bool(tags["covr"])
    return any(k.lower() == "metadata_block_picture" for k in keys)  # Ogg


def _count_decoded(cmd: list[str]) -> tuple[int, str, int]:
    """Run a decoder writing s16 mono to stdout; count samples without keeping them."""
    # stderr goes to a file: a broken file can log more than a pipe holds.
    with (
        tempfile.TemporaryFile() as log,
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL) as proc,
    ):
        assert proc.stdout is not None
        total = 0
        while chunk := proc.stdout.read(1 << 16):
            total += len(chunk)
        returncode = proc.wait()
        log.seek(0)
        return total // 2, log.read().decode("utf-8", "replace"), returncode


def _probe_with_ffmpeg(path: Path, rel: str, ffmpeg: str | None) -> AudioFile:
    """One decode check for a file mutagen cannot read: does any audio come out?"""
    exe = ffmpeg or find_ffmpeg()
    rate = 8000
    cmd = [exe, "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0"]
    cmd += ["-ac", "1", "-ar", str(rate), "-f", "s16le", "-"]
    try:
        samples, errors, returncode = _count_decoded(cmd)
    except OSError as exc:
        raise ScanError(f"{path} could not be checked: {exc}") from exc
    if returncode != 0 or samples == 0:
        why = errors.strip().splitlines()
        detail = why[-1] if why else "no audio decoded"
        raise ScanError(f"{path} is not audio that can be decoded ({detail})")
    return AudioFile(
        path=path,
        rel=rel,
        duration=samples / rate,
        codec="unknown",
        sample_rate=0,
        channels=0,
        bitrate=0,
    )
