"""A conversion's record of finished work: resume what an interrupted run left, or start over.

`open_work` reads the work folder's manifest (manifest.py) and decides: the book was
already placed (return its path), the finished pieces fit this plan (resume), or
something changed (start over, and say what). When resuming, what the encodes in flight
had written (`piece-<start>.aac.part`) is kept as finished pieces too (salvage.py).
`WorkLedger` is what the encoders consult (the cuts, the finished pieces of each segment)
and update (each piece renamed into place, then the manifest replaced).
"""

from __future__ import annotations

import asyncio
import bisect
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiom4b_tui.engine.plan.plan import BookPlan
from aiom4b_tui.engine.work.manifest import (
    MANIFEST_NAME,
    DonePiece,
    ManifestError,
    OldManifestError,
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
from aiom4b_tui.engine.work.salvage import salvage_partial
from aiom4b_tui.safe_text import visible

LogFn = Callable[[str], None]
CutPlanner = Callable[[int, float | None], list[int]]
PIECE_PREFIX = "piece-"
PIECE_SUFFIX = ".aac"
PART_SUFFIX = ".part"  # after the piece's name while it is encoded


def piece_name(start: int) -> str:
    """The file of the piece that starts at book sample `start` (unfinished: + .part)."""
    return f"{PIECE_PREFIX}{start}{PIECE_SUFFIX}"


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
    def pieces(self) -> dict[int, DonePiece]:
        """Finished pieces by the book sample they start at."""
        return self.manifest.pieces

    def done_pieces(self, start: int, end: int | None) -> list[DonePiece]:
        """The finished pieces that follow one another from `start`, up to `end` (None:
        no bound); the rest of the segment [start, end) begins where the last ends."""
        return piece_chain(self.manifest.pieces, start, end)

    def finished(self, index: int) -> list[DonePiece] | None:
        """The pieces of segment `index` when they cover all of it (by the recorded cuts
        and length), else None."""
        return finished_pieces(self.manifest, index)

    def piece_range(self, piece: DonePiece) -> tuple[Path, int, int]:
        """A finished piece's file and the byte range the book keeps of it."""
        return self.work / piece.file, piece.keep_start, piece.keep_stop

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

    async def finish_piece(self, part: Path, done: DonePiece) -> Path:
        """Give an encoded piece its final name, then record it; return its path."""
        final = self.work / done.file
        await asyncio.to_thread(settle_file, part, final)
        self.manifest.pieces[done.start] = done
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
        if why is None:
            salvaged = _keep_finished(work, old)
            if old.pieces:
                log(resuming_message(old, plan, salvaged))
                return WorkLedger(work, old, names, resumed=True)
        log(f"starting over: {why or 'no segment was finished in the last attempt'}")
    _clear(work)
    manifest = WorkManifest(fingerprint, stamps)
    write_manifest(work, manifest.to_json())
    return WorkLedger(work, manifest, names, resumed=False)


def _previous(work: Path, log: LogFn) -> WorkManifest | None:
    try:
        found = read_manifest(work)
    except OldManifestError as exc:
        log(f"starting over: the last attempt was recorded by an older version ({exc})")
        return None
    except ManifestError as exc:
        log(f"starting over: the last attempt's record cannot be read ({exc})")
        return None
    if found is None and any(work.iterdir()):
        log("starting over: the last attempt left no record of its work")
    return found


def piece_chain(pieces: dict[int, DonePiece], start: int, end: int | None) -> list[DonePiece]:
    """The pieces that follow one another from `start`, none past `end` (None: no bound)."""
    chain: list[DonePiece] = []
    while (piece := pieces.get(start)) is not None:
        if end is not None and piece.end > end:
            break
        chain.append(piece)
        start = piece.end
    return chain


def finished_pieces(manifest: WorkManifest, index: int) -> list[DonePiece] | None:
    """The pieces of segment `index` when they cover all of it, else None."""
    start, end = segment_bounds(manifest, index)
    chain = piece_chain(manifest.pieces, start, end)
    return chain if end is not None and chain and chain[-1].end == end else None


def segment_bounds(manifest: WorkManifest, index: int) -> tuple[int, int | None]:
    """Segment `index`'s first sample and its end by the recorded cuts and length (None:
    the open last segment of a timeline whose length is not known yet)."""
    cuts, total = manifest.cuts or [0], manifest.total
    end = cuts[index + 1] if index + 1 < len(cuts) else total
    if end is not None and total is not None:
        end = min(end, total)
    return cuts[index], end


def _keep_finished(work: Path, manifest: WorkManifest) -> list[DonePiece]:
    """Keep the pieces whose files are whole and what the encodes in flight had written,
    delete every other file; return the pieces kept from unfinished encodes."""
    kept = {}
    for start, done in manifest.pieces.items():
        try:
            if (work / done.file).stat().st_size == done.size:
                kept[start] = done
        except OSError:
            pass
    manifest.pieces = kept
    salvaged = _salvage_parts(work, manifest)
    wanted = {MANIFEST_NAME, *(d.file for d in manifest.pieces.values())}
    for entry in work.iterdir():
        if entry.name not in wanted:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    return salvaged


def _salvage_parts(work: Path, manifest: WorkManifest) -> list[DonePiece]:
    """Record what each unfinished encode wrote, where the book can keep it: a part that
    starts at a cut or where a recorded piece of its segment ends."""
    cuts, fp = manifest.cuts, manifest.fingerprint
    if not cuts:
        return []
    found = []
    ending = PIECE_SUFFIX + PART_SUFFIX
    for part in work.glob(f"{PIECE_PREFIX}*{ending}"):
        digits = part.name[len(PIECE_PREFIX) : -len(ending)]
        if digits.isdigit():
            found.append((int(digits), part))
    salvaged = []
    for start, part in sorted(found):
        index = bisect.bisect_right(cuts, start) - 1
        first, end = segment_bounds(manifest, index)
        reached = start == first or any(p.end == start for p in manifest.pieces.values())
        if end is None or not reached or start in manifest.pieces:
            continue
        kept = salvage_partial(
            part,
            start=start,
            end=end,
            roll=fp["pre_roll"],
            post=fp["post_roll"],
            priming=fp["priming"],
        )
        if kept is None:
            continue
        name = piece_name(start)
        seconds = kept.samples / fp["sample_rate"]
        piece = DonePiece(
            start, kept.samples, name, kept.size, kept.keep_start, kept.keep_stop, seconds
        )
        settle_file(part, work / name)
        manifest.pieces[start] = piece
        salvaged.append(piece)
    if salvaged:
        write_manifest(work, manifest.to_json())
    return salvaged


def _clear(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()


def resuming_message(
    manifest: WorkManifest, plan: BookPlan, salvaged: list[DonePiece] | None = None
) -> str:
    """ "resuming: 7 of 12 segments already encoded (1h10m of 2h00m; 9m12s of it kept
    from 2 segments cut short)"."""
    rate = plan.encoder.sample_rate
    cuts, total = manifest.cuts or [], manifest.total
    count = sum(c < total for c in cuts) if total is not None else len(cuts)
    whole_segments = sum(finished_pieces(manifest, k) is not None for k in range(count))
    done = sum(p.samples for p in manifest.pieces.values()) / rate
    whole = total / rate if total is not None else plan.duration
    short = ""
    if salvaged:
        kept = sum(p.samples for p in salvaged) / rate
        cut = len(salvaged)
        short = f"; {clock(kept)} of it kept from {cut} segment{'s' * (cut != 1)} cut short"
    return (
        f"resuming: {whole_segments} of {count} segments already encoded "
        f"({clock(done)} of {clock(whole)}{short})"
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
