"""The sliced-MP3 route: a book of clean MP3s read by each segment's own encoder.

Its timeline is known from the frame tables before anything is encoded (sliced_input.py),
so every segment starts at once and reads just the frames it needs.
"""

from __future__ import annotations

import functools

from aiom4b_tui.engine.encode.encoded import EncodedBook, EncodeJob, joined_input
from aiom4b_tui.engine.encode.mux import InOrderMux, Piece
from aiom4b_tui.engine.encode.segment_encoder import SegmentEncoder, reused_note
from aiom4b_tui.engine.encode.segments import make_segment, plan_known_cuts
from aiom4b_tui.engine.encode.sliced_input import SlicedSources
from aiom4b_tui.engine.encode.timeline import DecodeError
from aiom4b_tui.engine.ffmpeg.run import FFmpegError
from aiom4b_tui.engine.task_groups import all_or_nothing


async def encode_sliced(
    job: EncodeJob, sliced: SlicedSources, encoder: SegmentEncoder, mux: InOrderMux
) -> EncodedBook:
    """Encode the book's segments on every slot, each from its slice of the MP3s."""
    plan, ledger = job.plan, job.ledger
    rate, total = plan.encoder.sample_rate, sliced.total
    planner = functools.partial(plan_known_cuts, total, rate)
    cuts = ledger.cuts("sliced", encoder.pool.size, job.task.segment_seconds, planner)
    await ledger.set_timeline(cuts, total)
    job.task.log(
        f"{len(plan.files)} MP3 files, {total / rate:.1f} s of audio, {len(cuts)} segments "
        f"on {encoder.pool.size} slots, each decoding its own frames"
        f"{reused_note(job, len(cuts))}"
    )

    async def one(index: int) -> list[Piece]:
        segment = make_segment(index, cuts, encoder.roll, encoder.post, total)
        assert segment is not None  # every cut lies inside the known timeline
        pieces, rest = encoder.remaining(segment)
        if rest is not None:
            try:
                inputs = sliced.input_args(rest.enc_start, rest.enc_end)
                pieces.append(await encoder.encode(rest, inputs))
            except FFmpegError as exc:
                if changed := sliced.changed_sources():
                    message = f"{changed[0]} vanished or changed during the job"
                    raise DecodeError(changed[0], message) from exc
                raise
        await mux.add(index, pieces)
        return pieces

    pieces = await all_or_nothing(one(k) for k in range(len(cuts)))
    adts = joined_input([p for segment in pieces for p in segment])
    return EncodedBook(adts, sliced.file_starts, total, plan.encoder.priming, rate)
