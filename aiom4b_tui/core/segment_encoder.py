"""Encode one segment of the book's timeline, keep the frames that cover it, record it.

Each segment is encoded with pre-roll (3 s) and post-roll (1 s) to a temporary name;
only the packets covering it are kept (notes/gapless-parallel-aac.md). When it is done
it is renamed and recorded in the work folder's manifest (work_ledger.py), and its kept
frames wait in memory for the in-order mux (in_order_mux.py).
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

from aiom4b_tui.core.encoded_book import EncodeJob
from aiom4b_tui.core.ffmpeg import run_ffmpeg
from aiom4b_tui.core.in_order_mux import KeptFrames, kept_frames
from aiom4b_tui.core.splice import FRAME, Segment
from aiom4b_tui.core.work_manifest import DoneSegment

PRE_ROLL_SECONDS = 3.0
POST_ROLL_SECONDS = 1.0


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
        self.work_dir, self.ffmpeg = job.work_dir, job.ffmpeg
        self.pool, self.meter, self.ledger = job.pool, job.meter, job.ledger
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
        kept = await asyncio.to_thread(kept_frames, part, segment, enc.priming)
        size, first, stop = kept.size, kept.first, kept.stop
        done = DoneSegment(index, name, size, first, stop, seconds, segment.samples)
        out = await self.ledger.finish_segment(part, done)
        self.meter.update(index, seconds)
        self.frames[index] = kept  # the mux takes its frames from here, not from disk
        return out, first, stop


def reused_note(job: EncodeJob) -> str:
    """ ", 3 already encoded" when an earlier run finished segments, else ""."""
    count = len(job.ledger.segments)
    return f", {count} already encoded" if count else ""
