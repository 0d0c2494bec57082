"""Make the book's one AAC stream (raw ADTS) in the work folder, on every pool slot.

Encode path: the decoded timeline is cut into segments on 1024-sample edges; each is
encoded with pre-roll (3 s) and post-roll (1 s), only the packets covering it are
kept (notes/gapless-parallel-aac.md), and they go into the MP4 in book order as soon as
the segments before them are done (InOrderMux, mp4_adts_writer.py): when the last
segment ends, the container is ready but for its header. Each
segment is encoded to a temporary name, renamed when done and recorded in the work
folder's manifest (work_ledger.py), so an interrupted run resumes from its finished
segments with the same cuts. Copy path: AAC sources of one format are re-wrapped as
ADTS and joined without re-encoding.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import itertools
import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from aiom4b_tui.core.aac_config import adts_problems, adts_refusal
from aiom4b_tui.core.ffmpeg import FFmpegError, FFmpegPool, run_ffmpeg
from aiom4b_tui.core.mp4_adts_writer import AdtsMp4Writer
from aiom4b_tui.core.mp4_priming import mp4_priming
from aiom4b_tui.core.plan import BookPlan
from aiom4b_tui.core.progress_meter import ProgressMeter
from aiom4b_tui.core.sliced_input import SlicedSources, slice_sources
from aiom4b_tui.core.splice import (
    FRAME,
    ADTSError,
    Segment,
    adts_frame_offsets,
    kept_packets,
    make_segment,
    plan_cuts,
    plan_known_cuts,
)
from aiom4b_tui.core.timeline import PCM_FORMAT, DecodeError, Timeline
from aiom4b_tui.core.work_ledger import WorkLedger
from aiom4b_tui.core.work_manifest import DoneSegment

T = TypeVar("T")
PRE_ROLL_SECONDS = 3.0
POST_ROLL_SECONDS = 1.0
MUXED_NAME = "audio.m4a"
LogFn = Callable[[str], None]


@dataclass(frozen=True)
class EncodedBook:
    """The book's ADTS stream and where each source begins in the output (in samples).

    `adts` is an ffmpeg input relative to the work folder (a file, or the concatenated
    byte ranges of the segment files). Positions count output samples after the edit
    list has skipped `priming`.
    """

    adts: str
    file_starts: list[int]
    total: int  # samples the result should decode to (without the last frame's padding)
    priming: int
    rate: int
    mp4: Path | None = None  # the stream already in an MP4 (mp4_adts_writer), if it is


async def all_or_nothing(aws: Iterable[Awaitable[T]]) -> list[T]:
    """Await all; on the first failure (or cancel) cancel the rest and raise it."""
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def encode_gapless(
    plan: BookPlan,
    work_dir: Path,
    *,
    ffmpeg: str,
    pool: FFmpegPool,
    meter: ProgressMeter,
    log: LogFn,
    ledger: WorkLedger,
    segment_seconds: float | None = None,
) -> EncodedBook:
    """Encode the book's timeline in segments on every slot and splice them.

    A book of clean MP3s at the output rate is read by the encoders themselves (its
    timeline is known from the frame tables); any other book is decoded to PCM first.
    Segments the ledger holds as finished are reused, on the cuts it recorded.
    """
    sliced = await asyncio.to_thread(slice_sources, plan)
    encoder = _SegmentEncoder(plan, work_dir, ffmpeg, pool, meter, ledger)
    mux = InOrderMux(work_dir / MUXED_NAME, encoder.frames)
    try:
        if sliced is not None:
            book = await _encode_sliced(plan, sliced, encoder, mux, log, segment_seconds)
        else:
            book = await _encode_decoded(plan, work_dir, encoder, mux, log, segment_seconds)
        muxed = await mux.finish(len(ledger.manifest.cuts or []))
    except BaseException:
        await asyncio.shield(asyncio.to_thread(mux.abort))
        raise
    return dataclasses.replace(book, mp4=muxed)


class _SegmentEncoder:
    """Encodes one segment of the timeline from given ffmpeg inputs; keeps its packets."""

    def __init__(
        self,
        plan: BookPlan,
        work_dir: Path,
        ffmpeg: str,
        pool: FFmpegPool,
        meter: ProgressMeter,
        ledger: WorkLedger,
    ) -> None:
        self.enc = plan.encoder
        self.work_dir, self.ffmpeg, self.pool, self.meter = work_dir, ffmpeg, pool, meter
        self.ledger = ledger
        self.roll, self.post = segment_rolls(self.enc.sample_rate)
        self.frames: dict[int, KeptFrames] = {}  # finished segments' frames, until muxed

    async def encode(self, segment: Segment, inputs: list[str]) -> tuple[Path, int, int]:
        """Encode `segment` from `inputs` (ffmpeg arguments giving its samples
        [enc_start, enc_end)); return the segment file and the byte range to keep."""
        enc, index = self.enc, segment.index
        name = f"seg-{index:05d}.aac"
        part = self.work_dir / f"{name}.part"
        args = [*inputs, "-c:a", enc.codec, "-b:a", str(enc.bitrate), "-f", "adts", str(part)]
        # Progress counts the book's audio: the rolls' share of the encode is not the book's.
        kept_share = segment.samples / (segment.enc_end - segment.enc_start)
        async with self.pool.slot() as cpus:
            await run_ffmpeg(
                self.ffmpeg,
                args,
                cpus=cpus,
                cwd=self.work_dir,
                on_progress=lambda s: self.meter.update(index, s * kept_share),
                what=f"encoding segment {index + 1}",
            )
        seconds = segment.samples / enc.sample_rate
        # In a thread: the event loop meanwhile starts the next segment on the freed slot.
        kept = await asyncio.to_thread(_kept_bytes, part, segment, enc.priming)
        size, first, stop = kept.size, kept.first, kept.stop
        done = DoneSegment(index, name, size, first, stop, seconds, segment.samples)
        out = await self.ledger.finish_segment(part, done)
        self.meter.update(index, seconds)
        self.frames[index] = kept  # the mux takes its frames from here, not from disk
        return out, first, stop


def segment_rolls(rate: int) -> tuple[int, int]:
    """Pre-roll and post-roll in samples (whole frames) at `rate`.

    ffmpeg 9's `aac` takes ~2.5 s to settle its rate control on steady tones, so the
    pre-roll is longer than the note's one second; the post-roll only needs lookahead.
    """
    roll = math.ceil(PRE_ROLL_SECONDS * rate / FRAME) * FRAME
    return roll, math.ceil(POST_ROLL_SECONDS * rate / FRAME) * FRAME


async def _encode_sliced(
    plan: BookPlan,
    sliced: SlicedSources,
    encoder: _SegmentEncoder,
    mux: InOrderMux,
    log: LogFn,
    segment_seconds: float | None,
) -> EncodedBook:
    rate, total, ledger = plan.encoder.sample_rate, sliced.total, encoder.ledger
    planner = functools.partial(plan_known_cuts, total, rate)
    cuts = ledger.cuts("sliced", encoder.pool.size, segment_seconds, planner)
    await ledger.set_timeline(cuts, total)
    log(
        f"{len(plan.files)} MP3 files, {total / rate:.1f} s of audio, {len(cuts)} segments "
        f"on {encoder.pool.size} slots, each decoding its own frames{_reused(ledger)}"
    )

    async def one(index: int) -> tuple[Path, int, int]:
        if (piece := ledger.piece(index)) is None:
            segment = make_segment(index, cuts, encoder.roll, encoder.post, total)
            assert segment is not None  # every cut lies inside the known timeline
            try:
                piece = await encoder.encode(
                    segment, sliced.input_args(segment.enc_start, segment.enc_end)
                )
            except FFmpegError as exc:
                if changed := sliced.changed_sources():
                    message = f"{changed[0]} vanished or changed during the job"
                    raise DecodeError(changed[0], message) from exc
                raise
        await mux.add(index, piece)
        return piece

    pieces = await all_or_nothing(one(k) for k in range(len(cuts)))
    return EncodedBook(_joined(pieces), sliced.file_starts, total, plan.encoder.priming, rate)


async def _encode_decoded(
    plan: BookPlan,
    work_dir: Path,
    encoder: _SegmentEncoder,
    mux: InOrderMux,
    log: LogFn,
    segment_seconds: float | None,
) -> EncodedBook:
    """Decode the sources into a timeline of PCM files while encoding what is ready.

    When resuming, the sources wholly before the first unfinished segment are not
    decoded again (their recorded lengths place them); finished segments are reused.
    """
    enc, pool, roll, post = plan.encoder, encoder.pool, encoder.roll, encoder.post
    rate, channels, ledger = enc.sample_rate, enc.channels, encoder.ledger
    estimate = max(FRAME, int(plan.duration * rate))
    cuts = ledger.cuts(
        "decoded", pool.size, segment_seconds, lambda n, s: plan_cuts(0, estimate, rate, n, s)
    )
    await ledger.save()
    longest = max(b - a for a, b in itertools.pairwise([*cuts, estimate]))
    # The decoder stays about two segments per slot ahead of the lowest unfinished
    # segment (whose input always fits in that budget), so the PCM on disk stays bounded.
    ahead = (2 * pool.size + 1) * longest + roll + post
    timeline = Timeline(work_dir, len(plan.files), channels, max_ahead=ahead)
    done: set[int] = set(ledger.segments)
    timeline.skip_before(_needed_from(cuts, done, roll), ledger.manifest.decoded)

    async def encode_segment(index: int) -> tuple[Path, int, int] | None:
        if (piece := ledger.piece(index)) is not None:
            await mux.add(index, piece)
            return piece
        if index + 1 < len(cuts):
            await timeline.wait_for(cuts[index + 1] + post)
        segment = make_segment(index, cuts, roll, post, timeline.total)
        if segment is None:
            await mux.add(index, None)
            return None
        source = timeline.input_url(segment.enc_start, segment.enc_end)
        inputs = ["-f", PCM_FORMAT, "-ar", str(rate), "-ac", str(channels), "-i", source]
        kept = await encoder.encode(segment, inputs)
        done.add(index)
        await timeline.release_before(_needed_from(cuts, done, roll))
        await mux.add(index, kept)
        return kept

    def on_file(index: int, count: int) -> None:
        ledger.note_decoded(index, count)
        log(f"decoded {plan.files[index].rel}: {count / rate:.3f} s")

    # Segments with a known end start as soon as their input is decoded; the open last
    # one waits for the decoder, which may also show that more cuts are needed.
    tasks = [asyncio.ensure_future(encode_segment(k)) for k in range(len(cuts) - 1)]
    decoder = asyncio.ensure_future(
        timeline.decode(
            [f.path for f in plan.files],
            ffmpeg=encoder.ffmpeg,
            pool=pool,
            rate=rate,
            channels=channels,
            on_file=on_file,
        )
    )
    try:
        await _until_decoded(decoder, tasks)
        total = timeline.total or 0
        await _final_cuts(ledger, cuts, total, rate)
        log(
            f"{len(plan.files)} files, {total / rate:.1f} s of audio, "
            f"{sum(c < total for c in cuts)} segments on {pool.size} slots{_reused(ledger)}"
        )
        tasks += [asyncio.ensure_future(encode_segment(k)) for k in range(len(tasks), len(cuts))]
        pieces = [p for p in await all_or_nothing(tasks) if p is not None]
    except BaseException:
        for task in [decoder, *tasks]:
            task.cancel()
        await asyncio.gather(decoder, *tasks, return_exceptions=True)
        raise
    return EncodedBook(_joined(pieces), timeline.file_starts(), total, enc.priming, rate)


class InOrderMux:
    """Puts the kept frames of finished segments into the MP4 (mp4_adts_writer) in book
    order while later segments still encode, so the container is ready as soon as the
    last one is. Should the stream be one the writer cannot carry, it stops and the
    caller muxes with ffmpeg (`finish` returns None)."""

    def __init__(self, path: Path, frames: dict[int, KeptFrames]) -> None:
        self.path = path
        self._frames = frames  # parsed by the encoder: no second read and parse
        self._writer: AdtsMp4Writer | None = None
        self._ready: dict[int, tuple[Path, int, int] | None] = {}
        self._next = 0
        self._failed = False
        self._lock = asyncio.Lock()

    async def add(self, index: int, piece: tuple[Path, int, int] | None) -> None:
        """Segment `index` is finished (None: it lies past the end of the book)."""
        self._ready[index] = piece
        async with self._lock:
            while self._next in self._ready:
                ready = self._ready.pop(self._next)
                frames = self._frames.pop(self._next, None)
                self._next += 1
                if ready is not None and not self._failed:
                    await asyncio.to_thread(self._append, ready, frames)

    def _append(self, piece: tuple[Path, int, int], frames: KeptFrames | None) -> None:
        try:
            if self._writer is None:
                self._writer = AdtsMp4Writer(self.path)
            if frames is None:  # finished by an earlier run
                self._writer.append_file(*piece)
            else:
                a, b = frames.first, frames.stop
                starts = [o - a for o in frames.offsets[frames.first_frame : frames.stop_frame + 1]]
                self._writer.append(frames.data[a:b], starts)
        except ADTSError:
            self.abort()

    async def finish(self, segments: int) -> Path | None:
        """The finished MP4 of `segments` segments, or None when the stream is left for
        ffmpeg to mux."""
        async with self._lock:
            if self._failed or self._writer is None or self._next != segments:
                self.abort()
                return None
            try:
                await asyncio.to_thread(self._writer.close)
            except ADTSError:
                self.abort()
                return None
            return self.path

    def abort(self) -> None:
        """Drop the unfinished MP4 (and add nothing more to it)."""
        self._failed = True
        if self._writer is not None:
            self._writer.abort()
            self._writer = None
        self.path.unlink(missing_ok=True)


def _needed_from(cuts: list[int], done: set[int], roll: int) -> int:
    """The first timeline sample an unfinished segment needs (all done: the end)."""
    lowest = next(k for k in itertools.count() if k not in done)
    if lowest >= len(cuts):
        return 1 << 62
    return max(0, cuts[lowest] - roll)


async def _final_cuts(ledger: WorkLedger, cuts: list[int], total: int, rate: int) -> None:
    """Once the timeline's length is known: more cuts if it is longer than the estimate
    (planned by the recorded rule), recorded with the length. Recorded cuts stay."""
    if ledger.manifest.total is None and total > cuts[-1]:
        slots, seconds = ledger.cut_rule()
        cuts[-1:] = plan_cuts(cuts[-1], total, rate, slots, seconds)
    await ledger.set_timeline(cuts, total)


def _reused(ledger: WorkLedger) -> str:
    count = len(ledger.segments)
    return f", {count} already encoded" if count else ""


def _joined(pieces: list[tuple[Path, int, int]]) -> str:
    """One ffmpeg input of the kept byte ranges in order (the muxer reads them directly:
    no copy)."""
    return _one_input([f"subfile,,start,{a},end,{b},,:{path.name}" for path, a, b in pieces])


def _one_input(urls: list[str]) -> str:
    """ffmpeg's URL reading `urls` one after another (names of ours: no escaping)."""
    return urls[0] if len(urls) == 1 else "concat:" + "|".join(urls)


async def _until_decoded(decoder: asyncio.Future, tasks: list[asyncio.Future]) -> None:
    """Wait for the decoder, but fail at once if a segment fails meanwhile.

    A failed segment never lets the decoder past its wait for the encoders to move on,
    so waiting for the decoder alone could wait forever.
    """
    while not decoder.done():
        waiting = {decoder, *(t for t in tasks if not t.done())}
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not decoder and not task.cancelled() and task.exception():
                raise task.exception()  # type: ignore[misc]
    decoder.result()


@dataclass(frozen=True)
class KeptFrames:
    """A finished segment file: its bytes, its frame offsets (plus the end), and the
    frames [first_frame, stop_frame) the book keeps, at bytes [first, stop)."""

    data: bytes
    offsets: list[int]
    first_frame: int
    stop_frame: int

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def first(self) -> int:
        return self.offsets[self.first_frame]

    @property
    def stop(self) -> int:
        return self.offsets[self.stop_frame]


def _kept_bytes(out: Path, segment: Segment, priming: int) -> KeptFrames:
    """The segment file's frames and the range of them the book keeps."""
    data = out.read_bytes()
    offsets = adts_frame_offsets(data)
    first, stop = kept_packets(segment, len(offsets) - 1, priming)
    return KeptFrames(data, offsets, first, stop)


async def join_copy(
    plan: BookPlan,
    work_dir: Path,
    *,
    ffmpeg: str,
    pool: FFmpegPool,
    meter: ProgressMeter,
    log: LogFn,
    ledger: WorkLedger,
    segment_seconds: float | None = None,
) -> EncodedBook:
    """Re-wrap each AAC source as ADTS (no re-encoding) and join them.

    Each later source brings its own priming and the one before it its end padding
    (under 50 ms per join); the chapter positions skip that priming, so chapters start
    on the first real sample of each file.

    A source whose decoder configuration ADTS cannot carry (core/aac_config.py) makes
    the book re-encoded instead (said in the log), as does ffmpeg refusing a re-wrap.
    """
    rate = plan.encoder.sample_rate
    reencode = functools.partial(
        _reencode_book, plan, work_dir, ffmpeg, pool, meter, log, segment_seconds, ledger
    )
    problems = await asyncio.to_thread(adts_problems, [f.path for f in plan.files])
    if problems:
        return await reencode(*problems[0])

    async def rewrap(index: int) -> int:
        source = plan.files[index].path
        out = work_dir / f"part-{index:05d}.aac"
        args = ["-i", f"file:{source.absolute()}", "-map", "0:a:0", "-c:a", "copy"]
        args += ["-f", "adts", str(out)]
        async with pool.slot() as cpus:
            try:
                await run_ffmpeg(
                    ffmpeg,
                    args,
                    cpus=cpus,
                    on_progress=lambda s: meter.update(index, s),
                    what=f"reading {source}",
                )
            except FFmpegError as exc:
                raise DecodeError(source, f"{source} cannot be read: {exc}") from exc
        packets = len(adts_frame_offsets(out.read_bytes())) - 1
        if packets == 0:
            raise DecodeError(source, f"{source} holds no audio")
        meter.update(index, plan.files[index].duration)
        return packets

    try:
        counts = await all_or_nothing(rewrap(i) for i in range(len(plan.files)))
    except DecodeError as exc:
        refusal = adts_refusal(f"{getattr(exc.__cause__, 'stderr_tail', '')}\n{exc}")
        if refusal is None:
            raise
        return await reencode(exc.path, refusal)
    primings = await asyncio.to_thread(lambda: [_source_priming(f.path) for f in plan.files])
    starts, position = [], -primings[0]
    for count, priming in zip(counts, primings, strict=True):
        starts.append(max(0, position + priming))
        position += count * FRAME
    log(f"{len(plan.files)} AAC files joined without re-encoding")
    adts = _one_input([f"part-{index:05d}.aac" for index in range(len(plan.files))])
    return EncodedBook(adts, starts, position, primings[0], rate)


async def _reencode_book(
    plan: BookPlan,
    work_dir: Path,
    ffmpeg: str,
    pool: FFmpegPool,
    meter: ProgressMeter,
    log: LogFn,
    segment_seconds: float | None,
    ledger: WorkLedger,
    source: Path,
    why: str,
) -> EncodedBook:
    """The copy path's way out: encode the book like any other, and say why."""
    log(
        f"{source.name}: its AAC configuration cannot be joined without re-encoding "
        f"({why}); re-encoding the book"
    )
    for leftover in work_dir.glob("part-*.aac"):
        leftover.unlink(missing_ok=True)
    return await encode_gapless(
        dataclasses.replace(plan, copy=False),
        work_dir,
        ffmpeg=ffmpeg,
        pool=pool,
        meter=meter,
        log=log,
        ledger=ledger,
        segment_seconds=segment_seconds,
    )


def _source_priming(path: Path) -> int:
    """An AAC source's priming: from its MP4 boxes, else one frame (ADTS records none)."""
    if path.suffix.lower() in (".m4a", ".m4b", ".mp4"):
        return mp4_priming(path, default=FRAME)  # never raises: unreadable -> the default
    return FRAME
