"""The decoded route: any book that is not clean MP3 at the output rate is decoded into a
timeline of PCM files (timeline.py) while the segments already decoded are encoded."""

from __future__ import annotations

import asyncio
import itertools

from aiom4b_tui.engine.encode.encoded import EncodedBook, EncodeJob, joined_input
from aiom4b_tui.engine.encode.mux import InOrderMux, Piece
from aiom4b_tui.engine.encode.segment_encoder import SegmentEncoder, reused_note
from aiom4b_tui.engine.encode.segments import make_segment, plan_cuts
from aiom4b_tui.engine.encode.timeline import PCM_FORMAT, Timeline
from aiom4b_tui.engine.formats.adts import FRAME
from aiom4b_tui.engine.task_groups import all_or_nothing
from aiom4b_tui.engine.work.ledger import WorkLedger


async def encode_decoded(job: EncodeJob, encoder: SegmentEncoder, mux: InOrderMux) -> EncodedBook:
    """Decode the sources into a timeline of PCM files while encoding what is ready.

    When resuming, the sources wholly before the first unfinished segment are not
    decoded again (their recorded lengths place them); finished segments are reused.
    """
    plan, work_dir, log = job.plan, job.work_dir, job.task.log
    enc, pool, roll, post = plan.encoder, encoder.pool, encoder.roll, encoder.post
    rate, channels, ledger = enc.sample_rate, enc.channels, encoder.ledger
    estimate = max(FRAME, int(plan.duration * rate))
    cuts = ledger.cuts(
        "decoded",
        pool.size,
        job.task.segment_seconds,
        lambda n, s: plan_cuts(0, estimate, rate, n, s),
    )
    await ledger.save()
    longest = max(b - a for a, b in itertools.pairwise([*cuts, estimate]))
    # The decoder stays about two segments per slot ahead of the lowest unfinished
    # segment (whose input always fits in that budget), so the PCM on disk stays bounded.
    ahead = (2 * pool.size + 1) * longest + roll + post
    timeline = Timeline(work_dir, len(plan.files), channels, max_ahead=ahead)
    done = {k for k in range(len(cuts)) if ledger.finished(k) is not None}
    timeline.skip_before(_needed_from(cuts, done, roll), ledger.manifest.decoded)

    async def encode_segment(index: int) -> list[Piece]:
        if (finished := ledger.finished(index)) is not None:
            pieces = [ledger.piece_range(p) for p in finished]
            await mux.add(index, pieces)
            return pieces
        if index + 1 < len(cuts):
            await timeline.wait_for(cuts[index + 1] + post)
        segment = make_segment(index, cuts, roll, post, timeline.total)
        if segment is None:
            await mux.add(index, [])
            return []
        pieces, rest = encoder.remaining(segment)
        if rest is not None:
            source = timeline.input_url(rest.enc_start, rest.enc_end)
            inputs = ["-f", PCM_FORMAT, "-ar", str(rate), "-ac", str(channels), "-i", source]
            pieces.append(await encoder.encode(rest, inputs))
        done.add(index)
        await timeline.release_before(_needed_from(cuts, done, roll))
        await mux.add(index, pieces)
        return pieces

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
            f"{sum(c < total for c in cuts)} segments on {pool.size} slots"
            f"{reused_note(job, len(cuts))}"
        )
        tasks += [asyncio.ensure_future(encode_segment(k)) for k in range(len(tasks), len(cuts))]
        pieces = [p for segment in await all_or_nothing(tasks) for p in segment]
    except BaseException:
        for task in [decoder, *tasks]:
            task.cancel()
        await asyncio.gather(decoder, *tasks, return_exceptions=True)
        raise
    return EncodedBook(joined_input(pieces), timeline.file_starts(), total, enc.priming, rate)


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
