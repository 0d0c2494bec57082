"""Encode one segment of the book's timeline, keep the frames that cover it, record it.

Each segment is encoded with pre-roll (3 s) and post-roll (1 s) to a temporary name;
only the packets covering it are kept (notes/gapless-parallel-aac.md). When it is done
it is renamed and recorded in the work folder's manifest (engine/work/ledger.py), and its kept
frames wait in memory for the in-order mux (mux.py). An encode interrupted
midway leaves its frames written so far (flushed frame by frame), which the next run
keeps (engine/work/salvage.py); it then encodes only the rest of that segment.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

from aiom4b_tui.engine.encode.encoded import EncodeJob
from aiom4b_tui.engine.encode.mux import KeptFrames, Piece, kept_frames
from aiom4b_tui.engine.encode.segments import Segment, resumed_segment
from aiom4b_tui.engine.ffmpeg.run import run_ffmpeg
from aiom4b_tui.engine.formats.adts import FRAME
from aiom4b_tui.engine.work.ledger import PART_SUFFIX, piece_name
from aiom4b_tui.engine.work.manifest import DonePiece

PRE_ROLL_SECONDS = 3.0
POST_ROLL_SECONDS = 1.0
WRITE_BLOCK = 16_384  # bytes per write of an encoder's output (ffmpeg's file `blocksize`)


def segment_rolls(rate: int) -> tuple[int, int]:
    """Pre-roll and post-roll in samples (whole frames) at `rate`.

    ffmpeg 9's `aac` takes ~2.5 s to settle its rate control on steady tones, so the
    pre-roll is longer than the note's one second; the post-roll only needs lookahead.
    """
    roll = math.ceil(PRE_ROLL_SECONDS * rate / FRAME) * FRAME
    return roll, math.ceil(POST_ROLL_SECONDS * rate / FRAME) * FRAME


class SegmentEncoder:
    """Encodes one segment of the timeline from given ffmpeg inputs; keeps its packets."""

    def __init__(self, job: EncodeJob) -> None:
        self.job = job
        self.enc = job.plan.encoder
        self.work_dir, self.ffmpeg = job.work_dir, job.task.ffmpeg
        self.pool, self.meter, self.ledger = job.task.pool, job.meter, job.ledger
        self.roll, self.post = segment_rolls(self.enc.sample_rate)
        self.frames: dict[Path, KeptFrames] = {}  # finished pieces' frames, until muxed

    def remaining(self, segment: Segment) -> tuple[list[Piece], Segment | None]:
        """The finished pieces of `segment` and what is left to encode of it (None:
        nothing; an earlier encode cut short: the rest, from where its piece ends)."""
        done = self.ledger.done_pieces(segment.start, segment.end)
        pieces = [self.ledger.piece_range(p) for p in done]
        at = done[-1].end if done else segment.start
        if at >= segment.end:
            return pieces, None
        return pieces, segment if at == segment.start else resumed_segment(segment, at, self.roll)

    async def encode(self, segment: Segment, inputs: list[str]) -> Piece:
        """Encode `segment` (or the rest of one) from `inputs` (ffmpeg arguments giving
        its samples [enc_start, enc_end)); return its file and the byte range to keep."""
        enc, index, key = self.enc, segment.index, segment.start
        name = piece_name(segment.start)
        part = self.work_dir / f"{name}{PART_SUFFIX}"
        args = [*inputs, "-c:a", enc.codec, "-b:a", str(enc.bitrate)]
        # The file gets 16 KB blocks (about 1 s of 128k audio) instead of ffmpeg's 256 KB:
        # an interruption leaves all but the last second for the next run to keep, with a
        # write per block, not per frame as `-flush_packets 1` made (33 writes for 30 s
        # of audio instead of 1,296).
        args += ["-blocksize", str(WRITE_BLOCK), "-f", "adts", str(part)]
        # Progress counts the book's audio: the rolls' share of the encode is not the book's.
        kept_share = segment.samples / (segment.enc_end - segment.enc_start)
        async with self.pool.slot() as cpus:
            await run_ffmpeg(
                self.ffmpeg,
                args,
                cpus=cpus,
                cwd=self.work_dir,
                on_progress=lambda s: self.meter.update(key, s * kept_share),
                what=f"encoding segment {index + 1}",
            )
        seconds = segment.samples / enc.sample_rate
        # In a thread: the event loop meanwhile starts the next segment on the freed slot.
        kept = await asyncio.to_thread(kept_frames, part, segment, enc.priming)
        size, first, stop = kept.size, kept.first, kept.stop
        done = DonePiece(segment.start, segment.samples, name, size, first, stop, seconds)
        out = await self.ledger.finish_piece(part, done)
        self.meter.update(key, seconds)
        self.frames[out] = kept  # the mux takes its frames from here, not from disk
        return out, first, stop


def reused_note(job: EncodeJob, segments: int) -> str:
    """ ", 3 already encoded" when an earlier run finished segments, else ""."""
    count = sum(job.ledger.finished(k) is not None for k in range(segments))
    return f", {count} already encoded" if count else ""
