"""A conversion's record of finished work: resume what an interrupted run left, or start over.

`open_work` reads the work folder's manifest (work_manifest.py) and decides: the book was
already placed (return its path), the finished segments fit this plan (resume), or
something changed (start over, and say what). `WorkLedger` is what the encoders consult
(the cuts, the finished segments) and update (each segment renamed into place, then the
manifest replaced).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiom4b_tui.core.plan import BookPlan
from aiom4b_tui.core.safe_text import visible
from aiom4b_tui.core.work_manifest import (
    MANIFEST_NAME,
    DoneSegment,
    ManifestError,
    PlacedResult,
    SourceStamp,
    WorkManifest,
    changed_while_converting,
    read_manifest,
    settle_file,
    source_stamps,
    what_changed,
    write_manifest,
)

LogFn = Callable[[str], None]
CutPlanner = Callable[[int, float | None], list[int]]


class ResumeMismatch(RuntimeError):
    """The finished work does not fit this run after all; the message says why."""


class WorkLedger:
    """The manifest of one run, kept in memory and written after each finished piece."""

    def __init__(self, work: Path, manifest: WorkManifest, names: list[str], resumed: bool):
        self.work = work
        self.manifest = manifest
        self.names = names
        self.resumed = resumed
        self._lock = asyncio.Lock()

    @property
    def segments(self) -> dict[int, DoneSegment]:
        """Finished segments by index."""
        return self.manifest.segments

    def piece(self, index: int) -> tuple[Path, int, int] | None:
        """A finished segment's file and kept byte range, or None."""
        done = self.manifest.segments.get(index)
        if done is None:
            return None
        return self.work / done.file, done.keep_start, done.keep_stop

    def cuts(self, route: str, slots: int, seconds: float | None, plan: CutPlanner) -> list[int]:
        """The segment cuts: the recorded ones when resuming, else `plan(slots, seconds)`."""
        m = self.manifest
        if m.route is not None and m.route != route:
            raise ResumeMismatch(f"the book now goes the {route} way, not the {m.route} way")
        if m.cuts is None:
            m.route, m.cut_slots, m.cut_seconds = route, slots, seconds
            m.cuts = plan(slots, seconds)
        return list(m.cuts)

    def cut_rule(self) -> tuple[int, float | None]:
        """The pool size and forced length the recorded cuts were planned with."""
        return self.manifest.cut_slots or 1, self.manifest.cut_seconds

    def check_total(self, total: int) -> None:
        """The timeline's length must be the recorded one (if any)."""
        if self.manifest.total is not None and self.manifest.total != total:
            raise ResumeMismatch(
                f"the sources now decode to {total} samples, {self.manifest.total} before"
            )

    async def set_timeline(self, cuts: list[int], total: int) -> None:
        """Record the final cuts and the timeline's length."""
        self.check_total(total)
        self.manifest.cuts, self.manifest.total = list(cuts), total
        await self.save()

    def note_decoded(self, index: int, count: int) -> None:
        """Record a source's decoded sample count (it must equal a recorded one)."""
        known = self.manifest.decoded
        if len(known) != len(self.names):
            known[:] = [None] * len(self.names)
        if known[index] is not None and known[index] != count:
            raise ResumeMismatch(f"{self.names[index]} now decodes to another length")
        known[index] = count

    async def finish_segment(self, part: Path, done: DoneSegment) -> Path:
        """Give an encoded segment its final name, then record it; return its path."""
        final = self.work / done.file
        await asyncio.to_thread(settle_file, part, final)
        self.manifest.segments[done.index] = done
        await self.save()
        return final

    async def mark_placed(self, path: Path) -> None:
        """Record that the result was placed at `path` (the folder is kept)."""
        st = await asyncio.to_thread(path.stat)
        self.manifest.placed = PlacedResult(str(path), st.st_size, st.st_mtime_ns)
        await self.save()

    async def save(self) -> None:
        """Write the manifest as it is now (writes never overtake one another)."""
        async with self._lock:
            raw = self.manifest.to_json()
            await asyncio.to_thread(write_manifest, self.work, raw)

    def changed_sources(self) -> str | None:
        """A message naming a source that changed since this run began, if any."""
        now = [SourceStamp.of(Path(s.path)) for s in self.manifest.sources]
        return changed_while_converting(self.manifest.sources, now, self.names)


def open_work(
    work: Path,
    plan: BookPlan,
    fingerprint: dict[str, Any],
    log: LogFn,
    *,
    fresh: bool = False,
) -> WorkLedger | Path:
    """Resume the work in `work` if it fits this plan, else start it afresh (blocking).

    Returns the placed result's path instead when an earlier run already placed it.
    """
    names = [f.rel for f in plan.files]
    stamps = source_stamps(plan)
    old = None if fresh else _previous(work, log)
    if old is not None:
        if old.placed is not None:
            if old.placed.still_there():
                return Path(old.placed.path)
            log(f"the book placed at {visible(old.placed.path)} is gone: making it again")
            old.placed = None
        why = what_changed(old, fingerprint, stamps, names)
        if why is None and plan.copy:
            why = "AAC files are joined again (it takes seconds)"
        if why is None and _keep_finished(work, old):
            log(resuming_message(old, plan))
            return WorkLedger(work, old, names, resumed=True)
        log(f"starting over: {why or 'no segment was finished in the last attempt'}")
    _clear(work)
    manifest = WorkManifest(fingerprint, stamps)
    write_manifest(work, manifest.to_json())
    return WorkLedger(work, manifest, names, resumed=False)


def _previous(work: Path, log: LogFn) -> WorkManifest | None:
    try:
        found = read_manifest(work)
    except ManifestError as exc:
        log(f"starting over: the last attempt's record cannot be read ({exc})")
        return None
    if found is None and any(work.iterdir()):
        log("starting over: the last attempt left no record of its work")
    return found


def _keep_finished(work: Path, manifest: WorkManifest) -> bool:
    """Keep the segments whose files are whole, delete every other file; any left?"""
    kept = {}
    for index, done in manifest.segments.items():
        try:
            if (work / done.file).stat().st_size == done.size:
                kept[index] = done
        except OSError:
            pass
    manifest.segments = kept
    wanted = {MANIFEST_NAME, *(d.file for d in kept.values())}
    for entry in work.iterdir():
        if entry.name not in wanted:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    return bool(kept)


def drop_scratch(work: Path) -> None:
    """Delete what a resumed run cannot use: decoded PCM and unfinished segments."""
    for pattern in ("pcm-*.raw", "*.part"):
        for path in work.glob(pattern):
            path.unlink(missing_ok=True)


def _clear(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()


def resuming_message(manifest: WorkManifest, plan: BookPlan) -> str:
    """ "resuming: 7 of 12 segments already encoded (1h10m of 2h00m)"."""
    rate = plan.encoder.sample_rate
    cuts, total = manifest.cuts or [], manifest.total
    count = sum(c < total for c in cuts) if total is not None else len(cuts)
    done = sum(s.samples for s in manifest.segments.values()) / rate
    whole = total / rate if total is not None else plan.duration
    return (
        f"resuming: {len(manifest.segments)} of {count} segments already encoded "
        f"({clock(done)} of {clock(whole)})"
    )


def clock(seconds: float) -> str:
    """1h10m, 12m05s, 42s."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"
