"""The work folder's manifest: what a conversion finished, tied to its plan and sources.

`manifest.json` in `<output dir>/.aiom4b-work-<name>/` records the plan's fingerprint
(encoder settings, pre/post-roll, the ffmpeg used), each source's path, size and
mtime_ns, the route (sliced MP3 / decoded PCM) with the segment cuts, and each finished
piece, keyed by the book sample it starts at: its file and the byte range kept. A
segment is one piece, or several when an encode of it was interrupted (what it wrote is
kept: salvage.py). It is replaced atomically (temp file, fsync, rename, fsync of
the folder) only after the files it names are complete, so a conversion killed at any
moment leaves a manifest that describes only whole files.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aiom4b_tui.engine.plan.plan import BookPlan
from aiom4b_tui.safe_text import visible

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 2  # 1: finished segments by index (read as: start over)
# What a fingerprint key is called in "starting over: the … changed".
_WORDS = {
    "format": "manifest format",
    "copy": "way of joining (copy or encode)",
    "codec": "encoder",
    "bitrate": "bitrate",
    "sample_rate": "sample rate",
    "channels": "channel count",
    "priming": "encoder priming",
    "pre_roll": "pre-roll",
    "post_roll": "post-roll",
    "ffmpeg": "ffmpeg program",
}


class ManifestError(ValueError):
    """A manifest that cannot be read or does not make sense."""


class OldManifestError(ManifestError):
    """A manifest an earlier version wrote, in a format this one does not read."""


@dataclass(frozen=True)
class SourceStamp:
    """A source as it was when the conversion started (size -1: it could not be read)."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> SourceStamp:
        """The file's stamp now."""
        try:
            st = path.stat()
        except OSError:
            return cls(str(path.absolute()), -1, -1)
        return cls(str(path.absolute()), st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class DonePiece:
    """A finished piece of the book: book samples [start, start + samples), held by the
    byte range [keep_start, keep_stop) of its file in the work folder."""

    start: int
    samples: int
    file: str
    size: int  # bytes of the file (a file of another size is not this piece)
    keep_start: int
    keep_stop: int
    seconds: float  # seconds of the book it holds (progress counts them done)

    @property
    def end(self) -> int:
        """The book sample after its last."""
        return self.start + self.samples


@dataclass(frozen=True)
class PlacedResult:
    """The finished book, renamed into place while the work folder was kept."""

    path: str
    size: int
    mtime_ns: int

    def still_there(self) -> bool:
        """True while the placed file exists with the size it was placed with."""
        try:
            return Path(self.path).stat().st_size == self.size
        except OSError:
            return False


@dataclass
class WorkManifest:
    """Everything a later run needs to reuse this run's finished segments."""

    fingerprint: dict[str, Any]
    sources: list[SourceStamp]
    route: str | None = None  # "sliced" | "decoded" | "copy", once chosen
    cuts: list[int] | None = None  # where segments start, in output samples
    cut_slots: int | None = None  # the pool size and forced length the cuts were
    cut_seconds: float | None = None  # planned with (a decoded book extends them)
    total: int | None = None  # the timeline's length in samples, once known
    decoded: list[int | None] = field(default_factory=list)  # decoded route: per source
    pieces: dict[int, DonePiece] = field(default_factory=dict)  # by start sample
    placed: PlacedResult | None = None

    def to_json(self) -> bytes:
        """The manifest as JSON bytes."""
        data = asdict(self)
        data["pieces"] = [asdict(p) for _, p in sorted(self.pieces.items())]
        return json.dumps(data, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> WorkManifest:
        """Read a manifest (ManifestError when it is not one this version wrote)."""
        try:
            data = json.loads(raw.decode("utf-8"))
            found = data["fingerprint"]["format"]
            if found != FORMAT_VERSION:
                kind = OldManifestError if found < FORMAT_VERSION else ManifestError
                raise kind(f"manifest format {found}")
            pieces = [DonePiece(**p) for p in data.pop("pieces")]
            placed = data.pop("placed")
            return cls(
                sources=[SourceStamp(**s) for s in data.pop("sources")],
                pieces={p.start: p for p in pieces},
                placed=PlacedResult(**placed) if placed else None,
                **data,
            )
        except ManifestError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ManifestError(f"{type(exc).__name__}: {exc}") from exc


def read_manifest(work: Path) -> WorkManifest | None:
    """The work folder's manifest; None when there is none (ManifestError if corrupt)."""
    try:
        raw = (work / MANIFEST_NAME).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ManifestError(exc.strerror or str(exc)) from exc
    return WorkManifest.from_json(raw)


def write_manifest(work: Path, raw: bytes) -> None:
    """Replace the manifest atomically and durably (temp file, fsync, rename, dir fsync)."""
    temp = work / f"{MANIFEST_NAME}.tmp"
    with open(temp, "wb") as f:
        f.write(raw)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, work / MANIFEST_NAME)
    sync_dir(work)


def settle_file(part: Path, final: Path) -> None:
    """Make a finished file durable, then give it its final name."""
    with open(part, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(part, final)


def sync_dir(folder: Path) -> None:
    """fsync a folder, so the renames in it survive a power loss (where supported)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def plan_fingerprint(plan: BookPlan, ffmpeg: str, rolls: tuple[int, int]) -> dict[str, Any]:
    """What the encoded audio depends on, besides the sources and the cuts.

    Tags, chapters titles and cover are left out: they are applied after the audio, so
    changing them does not throw finished segments away.
    """
    enc = plan.encoder
    return {
        "format": FORMAT_VERSION,
        "copy": plan.copy,
        "codec": enc.codec,
        "bitrate": enc.bitrate,
        "sample_rate": enc.sample_rate,
        "channels": enc.channels,
        "priming": enc.priming,
        "pre_roll": rolls[0],
        "post_roll": rolls[1],
        "ffmpeg": _program_stamp(ffmpeg),
    }


def _program_stamp(ffmpeg: str) -> list[Any]:
    found = shutil.which(ffmpeg) or ffmpeg
    stamp = SourceStamp.of(Path(found))
    return [stamp.path, stamp.size, stamp.mtime_ns]


def source_stamps(plan: BookPlan) -> list[SourceStamp]:
    """Each source's stamp now."""
    return [SourceStamp.of(f.path) for f in plan.files]


def what_changed(
    old: WorkManifest, fingerprint: dict[str, Any], stamps: list[SourceStamp], names: list[str]
) -> str | None:
    """Why the old manifest's work does not fit this plan (None: it fits)."""
    if [s.path for s in old.sources] != [s.path for s in stamps]:
        return f"the book's files are not the same ({len(stamps)} now, {len(old.sources)} then)"
    for name, before, now in zip(names, old.sources, stamps, strict=True):
        if before != now:
            return f"{visible(name)} changed since the last attempt"
    for key, word in _WORDS.items():
        if old.fingerprint.get(key) != fingerprint.get(key):
            return f"the {word} changed since the last attempt"
    return None


def changed_while_converting(
    old: list[SourceStamp], now: list[SourceStamp], names: list[str]
) -> str | None:
    """A message naming the first source that changed since the stamps were taken."""
    for name, before, after in zip(names, old, now, strict=True):
        if before == after:
            continue
        shown = visible(name)
        if after.size < 0:
            return f"{shown} vanished while it was being converted"
        if after.size != before.size:
            return (
                f"{shown} changed while it was being converted (size {before.size} -> {after.size})"
            )
        return f"{shown} changed while it was being converted (modified, same size)"
    return None
