"""The arithmetic of cutting the book's timeline into AAC segments: where the cuts fall
(guided so that every slot finishes at about the same time), what each segment encodes
with its pre- and post-roll, and which of its packets the book keeps.

An AAC encode of n input samples gives ceil(n / 1024) + d packets, d = priming / 1024;
packet p decodes to input samples [(p - d) * 1024, (p - d + 1) * 1024). Measured for
ffmpeg's `aac` (d = 1) on ffmpeg 9.0.2, as in notes/gapless-parallel-aac.md for 5.1.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiom4b_tui.engine.formats.adts import FRAME, ADTSError

MAX_SEGMENT_SECONDS = 300  # guided segments are at most this long
# Sliced MP3 books: no PCM on disk to bound, so longer segments (fewer rolls and ffmpeg
# starts: 30 min made a 4-hour book 13 encodes instead of 20 at 15 min). An interruption
# loses little of a segment in flight: what its encoder wrote is kept
# (engine/work/salvage.py), so the cap no longer bounds the loss.
KNOWN_MAX_SEGMENT_SECONDS = 1800


@dataclass(frozen=True)
class Segment:
    """A piece of the book's timeline [start, end), encoded from [enc_start, enc_end)."""

    index: int
    start: int
    end: int
    enc_start: int  # start - pre-roll (not below 0)
    enc_end: int  # end + post-roll (not beyond the timeline)
    last: bool  # the segment that ends the book keeps its final (padding) packets

    @property
    def samples(self) -> int:
        """Samples the segment contributes to the book."""
        return self.end - self.start


def make_segment(
    index: int, cuts: list[int], roll: int, post: int, total: int | None
) -> Segment | None:
    """Segment `index` of a timeline cut at `cuts` (None when it starts past the end).

    Segment k is [cuts[k], cuts[k+1]); the last one runs to the end of the timeline, so
    it needs `total` (known once decoding has finished). Others need it only near the end.
    """
    if any(c % FRAME for c in cuts) or roll % FRAME:
        raise ValueError("cuts and rolls must be multiples of 1024")
    start = cuts[index]
    end = cuts[index + 1] if index + 1 < len(cuts) else None
    if total is None:
        if end is None:
            raise ValueError("the last segment needs the timeline's length")
    else:
        if start >= total and index > 0:
            return None
        end = total if end is None else min(end, total)
    last = total is not None and end >= total
    enc_end = end + post if total is None else min(end + post, total)
    return Segment(index, start, end, max(0, start - roll), enc_end, last)


def resumed_segment(segment: Segment, start: int, roll: int) -> Segment:
    """The rest of `segment` from `start` on (an earlier run kept what lies before it),
    encoded with its own pre-roll, so the join at `start` is like any other cut."""
    if start % FRAME or not segment.start < start < segment.end:
        raise ValueError(f"segment {segment.index} cannot resume at sample {start}")
    return Segment(segment.index, start, segment.end, start - roll, segment.enc_end, segment.last)


def kept_packets(segment: Segment, packets: int, priming: int = FRAME) -> tuple[int, int]:
    """The range [first, stop) of the segment's packets that covers [start, end) exactly.

    The first segment keeps its priming packet(s) (the MP4 edit list skips them); the
    last keeps everything to the end of its encode (the final frame's padding).
    """
    d = priming // FRAME
    first = 0 if segment.start == 0 else (segment.start - segment.enc_start) // FRAME + d
    stop = packets if segment.last else (segment.end - segment.enc_start) // FRAME + d
    expected = -(-(segment.enc_end - segment.enc_start) // FRAME) + d
    if packets < expected or stop > packets:
        raise ADTSError(f"segment {segment.index}: {packets} packets, expected {expected}")
    return first, stop


def plan_cuts(
    start: int, total: int, rate: int, slots: int, seconds: float | None = None
) -> list[int]:
    """Where segments start, from `start` to `total` samples, on 1024-sample edges.

    Guided scheduling: each segment is the remaining audio over the slots, within
    20 s .. 5 min, so segments halve towards the end and every slot finishes at about
    the same time, with few segments (each costs an ffmpeg start and 4 s of pre- and
    post-roll). The 5 min cap bounds the decoded PCM waiting on disk for the encoders
    (decoded_route.py keeps about two segments per slot). `seconds` forces one
    length (tests cut short books into many pieces).
    """
    cuts, position = [start], start
    while True:
        if seconds:
            length = seconds * rate
        elif position == 0:
            length = 20 * rate  # a short first segment: encoding starts at once
        else:
            length = min(max((total - position) / slots, 20 * rate), MAX_SEGMENT_SECONDS * rate)
        position += max(FRAME, int(length) // FRAME * FRAME)
        if position >= total:
            return cuts
        cuts.append(position)


def plan_known_cuts(total: int, rate: int, slots: int, seconds: float | None = None) -> list[int]:
    """Cuts for a timeline whose length is known before encoding starts (sliced MP3s).

    Guided like `plan_cuts`, but with no short first segment (nothing is waited for)
    and no segment under a floor of the book over the slots, kept within 20-60 s: each
    segment costs an ffmpeg start (0.1 CPU-s for a Debian ffmpeg) and 4 s of roll, so a
    2-minute book on 2 slots is two segments, not five. Segments are up to
    KNOWN_MAX_SEGMENT_SECONDS: with whole segments lost to a kill, 15 min made a 2-hour
    book killed at 70 % take 0.51 of an uninterrupted run to finish (goal 0.4); now the
    frames a segment in flight wrote are kept (bench/RESULTS.md). A remainder under 20 s joins
    the segment before it. One slot has nothing to balance: `plan_cuts` as before.
    """
    if seconds or slots < 2:
        return plan_cuts(0, total, rate, slots, seconds)
    floor = min(max(total / slots, 20 * rate), 60 * rate)
    cuts, position = [0], 0
    while True:
        length = min(max((total - position) / slots, floor), KNOWN_MAX_SEGMENT_SECONDS * rate)
        position += max(FRAME, int(length) // FRAME * FRAME)
        if position >= total - 20 * rate:
            return cuts
        cuts.append(position)
