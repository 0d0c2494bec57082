"""What an interrupted segment encode leaves that the book can keep.

The encoder writes its ADTS output as it goes (in 16 KB blocks, not ffmpeg's 256 KB),
so a killed or stopped encode leaves a file that begins with whole frames. Packet p of
an encode from `enc_start` decodes input samples [(p - d) * 1024, (p - d + 1) * 1024)
after `enc_start` (d = priming / 1024, engine/encode/segments.py); a frame is kept only
if the encoder had at least a post-roll of real input after it, as at any cut: so the
truncated last frame, the last whole one (a stopped encoder's flush) and a post-roll's
worth before it are dropped. What remains from the piece's start on is a finished piece covering
[start, stop_sample); the rest of the segment is encoded from there, with its own
pre-roll.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.engine.formats.adts import FRAME, adts_prefix_offsets


@dataclass(frozen=True)
class Salvage:
    """The kept part of an interrupted encode: bytes [keep_start, keep_stop) of a file of
    `size` bytes hold book samples [start, stop_sample)."""

    size: int
    keep_start: int
    keep_stop: int
    start: int
    stop_sample: int

    @property
    def samples(self) -> int:
        """Samples the piece adds to the book."""
        return self.stop_sample - self.start


def salvage_partial(
    path: Path, *, start: int, end: int, roll: int, post: int, priming: int
) -> Salvage | None:
    """The part of the unfinished encode in `path` (book samples from `start`, of a
    segment ending at `end`, encoded from `start - roll`) that the book can keep; None
    when nothing past the pre-roll is safe to keep (or the file cannot be read)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    offsets = adts_prefix_offsets(data)
    frames = len(offsets) - 1
    enc_start = max(0, start - roll)
    d = priming // FRAME
    # Whole frames minus the last (a stopped encoder's flush) and a post-roll of input.
    heard = (frames - d - 1) * FRAME - post
    stop_sample = min(enc_start + heard, end - FRAME)
    stop_sample -= (stop_sample - enc_start) % FRAME
    if stop_sample <= start:
        return None
    first = 0 if start == 0 else (start - enc_start) // FRAME + d
    stop = (stop_sample - enc_start) // FRAME + d
    return Salvage(len(data), offsets[first], offsets[stop], start, stop_sample)
