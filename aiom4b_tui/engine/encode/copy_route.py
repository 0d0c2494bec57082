"""The copy route: AAC sources of one format re-wrapped as ADTS and joined without
re-encoding; a source ADTS cannot carry sends the book to the encoder instead."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from aiom4b_tui.engine.encode.encoded import EncodedBook, EncodeJob, one_input
from aiom4b_tui.engine.encode.routes import encode_gapless
from aiom4b_tui.engine.encode.timeline import DecodeError
from aiom4b_tui.engine.ffmpeg.run import FFmpegError, run_ffmpeg
from aiom4b_tui.engine.formats.aac_config import adts_problems, adts_refusal
from aiom4b_tui.engine.formats.adts import FRAME, adts_frame_offsets
from aiom4b_tui.engine.mp4.boxes import MP4_SUFFIXES
from aiom4b_tui.engine.mp4.finish import played_samples
from aiom4b_tui.engine.mp4.priming import mp4_priming
from aiom4b_tui.engine.plan.plan import BookPlan
from aiom4b_tui.engine.task_groups import all_or_nothing


async def join_copy(job: EncodeJob) -> EncodedBook:
    """Re-wrap each AAC source as ADTS (no re-encoding) and join them.

    Each later source brings its own priming and the one before it its end padding
    (under 50 ms per join); the chapter positions skip that priming, so chapters start
    on the first real sample of each file. The book ends where its last source's audio
    ends (trim_copied_tail).

    A source whose decoder configuration ADTS cannot carry (engine/formats/aac_config.py)
    makes the book re-encoded instead (said in the log), as does ffmpeg refusing a re-wrap.
    """
    book = await _join_or_reencode(job)
    return await asyncio.to_thread(trim_copied_tail, job.plan, book)


def trim_copied_tail(plan: BookPlan, book: EncodedBook) -> EncodedBook:
    """A joined (copy path) book ends where its last source's audio ends, as that
    source's own edit list says, not after its last frame's padding."""
    last = played_samples(plan.files[-1].path)
    if last is None:
        return book
    end = book.file_starts[-1] + last
    return dataclasses.replace(book, total=end) if 0 < end < book.total else book


async def _join_or_reencode(job: EncodeJob) -> EncodedBook:
    """The joined sources, or the book re-encoded when they cannot be joined."""
    plan, work_dir, pool, meter = job.plan, job.work_dir, job.task.pool, job.meter
    rate = plan.encoder.sample_rate
    problems = await asyncio.to_thread(adts_problems, [f.path for f in plan.files])
    if problems:
        return await _reencode_book(job, *problems[0])

    async def rewrap(index: int) -> int:
        source = plan.files[index].path
        out = work_dir / f"part-{index:05d}.aac"
        args = ["-i", f"file:{source.absolute()}", "-map", "0:a:0", "-c:a", "copy"]
        args += ["-f", "adts", str(out)]
        async with pool.slot() as cpus:
            try:
                await run_ffmpeg(
                    job.task.ffmpeg,
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
        return await _reencode_book(job, exc.path, refusal)
    primings = await asyncio.to_thread(lambda: [_source_priming(f.path) for f in plan.files])
    starts, position = [], -primings[0]
    for count, priming in zip(counts, primings, strict=True):
        starts.append(max(0, position + priming))
        position += count * FRAME
    job.task.log(f"{len(plan.files)} AAC files joined without re-encoding")
    adts = one_input([f"part-{index:05d}.aac" for index in range(len(plan.files))])
    return EncodedBook(adts, starts, position, primings[0], rate)


async def _reencode_book(job: EncodeJob, source: Path, why: str) -> EncodedBook:
    """The copy path's way out: encode the book like any other, and say why."""
    job.task.log(
        f"{source.name}: its AAC configuration cannot be joined without re-encoding "
        f"({why}); re-encoding the book"
    )
    for leftover in job.work_dir.glob("part-*.aac"):
        leftover.unlink(missing_ok=True)
    return await encode_gapless(
        dataclasses.replace(job, plan=dataclasses.replace(job.plan, copy=False))
    )


def _source_priming(path: Path) -> int:
    """An AAC source's priming: from its MP4 boxes, else one frame (ADTS records none)."""
    if path.suffix.lower() in MP4_SUFFIXES:
        return mp4_priming(path, default=FRAME)  # never raises: unreadable -> the default
    return FRAME
