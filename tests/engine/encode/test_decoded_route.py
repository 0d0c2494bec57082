"""The decoded route: sources decoded into a PCM timeline while the segments already
decoded are encoded; the exact decoded lengths place the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.decoded_route import _needed_from, encode_decoded
from aiom4b_tui.engine.encode.mux import InOrderMux
from aiom4b_tui.engine.encode.segment_encoder import SegmentEncoder
from tests.helpers.audio import make_continuous_book
from tests.helpers.engine import encode_job, plan_of

RATE = 44100
COUNTS = [RATE * 2 + 700, RATE + 301, RATE * 2 + 5]


def test_the_pcm_still_needed_starts_a_pre_roll_before_the_first_unfinished_segment():
    cuts = [0, 10_240, 20_480, 30_720]
    assert _needed_from(cuts, set(), 2048) == 0
    assert _needed_from(cuts, {0}, 2048) == 10_240 - 2048
    assert _needed_from(cuts, {0, 2}, 2048) == 10_240 - 2048  # segment 1 still needs it
    assert _needed_from(cuts, {0, 1, 2}, 2048) == 30_720 - 2048
    assert _needed_from(cuts, {0, 1, 2, 3}, 2048) == 1 << 62  # all done: nothing
    assert _needed_from(cuts, {0}, 20_000) == 0  # never before the start


@pytest.mark.integration
async def test_the_timeline_is_the_exact_decoded_lengths_end_to_end(tmp_path: Path, ffmpeg: str):
    make_continuous_book(tmp_path / "Book", COUNTS, codec="flac")  # FLAC decodes exactly
    logs: list[str] = []
    plan = plan_of(tmp_path / "Book", tmp_path / "out")
    job = encode_job(plan, tmp_path / "work", ffmpeg, segment_seconds=1.0, logs=logs)
    encoder = SegmentEncoder(job)
    mux = InOrderMux(job.work_dir / "audio.m4a", encoder.frames)
    book = await encode_decoded(job, encoder, mux)
    assert book.total == sum(COUNTS)
    assert book.file_starts == [0, COUNTS[0], COUNTS[0] + COUNTS[1]]
    assert job.ledger.manifest.decoded == COUNTS
    assert job.ledger.manifest.total == sum(COUNTS)
    cuts = job.ledger.manifest.cuts
    assert cuts is not None and sorted(job.ledger.pieces) == [c for c in cuts if c < book.total]
    assert [line for line in logs if line.startswith("decoded ")] == [
        f"decoded {n:02d}.flac: {count / RATE:.3f} s" for n, count in enumerate(COUNTS, 1)
    ]
    assert await mux.finish(len(cuts)) is not None
    assert list(job.work_dir.glob("pcm-*.raw")) == []  # freed as the encoders moved on
