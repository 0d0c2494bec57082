"""Is a resumed book the book an uninterrupted run makes? Byte for byte when nothing of
an unfinished encode was kept; when something was, the rest of that segment was encoded
again (the AAC encoder starts afresh there), so: the same chapters, the same length, the
audio identical outside those re-encoded stretches and close to it inside them."""

from __future__ import annotations

import math
from pathlib import Path

from mutagen.mp4 import MP4

from tests.helpers.audio import decode_pcm

BLOCK = 1024
MAX_RMS = 300  # 1 % of full scale: a misplaced join of a tone is ~50 times more


def assert_same_book(result: Path, reference: Path, *, salvaged: bool) -> None:
    """Fail unless `result` is `reference` as above."""
    if not salvaged:
        assert result.read_bytes() == reference.read_bytes()
        return
    ours, theirs = MP4(result), MP4(reference)
    assert [(c.start, c.title) for c in ours.chapters] == [
        (c.start, c.title) for c in theirs.chapters
    ]
    a, b = decode_pcm(result), decode_pcm(reference)
    assert len(a) == len(b)
    differing = [n for n in range(0, len(a), BLOCK) if a[n : n + BLOCK] != b[n : n + BLOCK]]
    blocks = math.ceil(len(a) / BLOCK)
    assert differing, "a re-encoded stretch cannot be bit-identical"
    assert len(differing) <= blocks / 2, (len(differing), blocks)
    total = count = 0
    for n in differing:
        for k in range(n, min(n + BLOCK, len(a)), 4):
            total += (a[k] - b[k]) ** 2
            count += 1
    assert math.sqrt(total / count) <= MAX_RMS
