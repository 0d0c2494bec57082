"""The sliced-MP3 route: the timeline known from the frame tables, every segment started
at once and fed just its frames; a resumed run encodes only what is left."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.mux import InOrderMux
from aiom4b_tui.engine.encode.segment_encoder import SegmentEncoder
from aiom4b_tui.engine.encode.sliced_input import slice_sources
from aiom4b_tui.engine.encode.sliced_route import encode_sliced
from tests.helpers.audio import make_continuous_book
from tests.helpers.engine import encode_job, plan_of

pytestmark = pytest.mark.integration

RATE = 44100
COUNTS = [RATE * 3 + 700, RATE * 2 + 301]


async def encode_once(job):
    sliced = slice_sources(job.plan)
    assert sliced is not None  # clean MP3s at the output rate
    encoder = SegmentEncoder(job)
    mux = InOrderMux(job.work_dir / "audio.m4a", encoder.frames)
    book = await encode_sliced(job, sliced, encoder, mux)
    return book, sliced, await mux.finish(len(job.ledger.manifest.cuts or []))


async def test_the_segments_cover_the_timeline_the_frame_tables_give(tmp_path: Path, ffmpeg: str):
    make_continuous_book(tmp_path / "Book", COUNTS, codec="mp3")
    logs: list[str] = []
    plan = plan_of(tmp_path / "Book", tmp_path / "out")
    job = encode_job(plan, tmp_path / "work", ffmpeg, segment_seconds=1.0, logs=logs)
    book, sliced, muxed = await encode_once(job)
    assert book.file_starts == sliced.file_starts and book.total == sliced.total
    assert muxed is not None and muxed.is_file()
    cuts = job.ledger.manifest.cuts
    assert cuts is not None and len(cuts) == -(-sliced.total // (RATE // 1024 * 1024))
    assert job.ledger.manifest.total == sliced.total  # recorded before any encode
    assert sorted(job.ledger.pieces) == cuts  # one finished piece per segment
    assert sum(p.samples for p in job.ledger.pieces.values()) == sliced.total
    assert book.adts.startswith("concat:subfile,,start,")
    said = [line for line in logs if "MP3 files" in line]
    assert said == [
        f"2 MP3 files, {sliced.total / RATE:.1f} s of audio, {len(cuts)} segments "
        "on 2 slots, each decoding its own frames"
    ]


async def test_a_second_run_on_the_same_ledger_reuses_every_finished_segment(
    tmp_path: Path, ffmpeg: str
):
    make_continuous_book(tmp_path / "Book", COUNTS, codec="mp3")
    logs: list[str] = []
    plan = plan_of(tmp_path / "Book", tmp_path / "out")
    job = encode_job(plan, tmp_path / "work", ffmpeg, segment_seconds=2.0, logs=logs)
    first, _sliced, _muxed = await encode_once(job)
    pieces = {p: (job.work_dir / d.file).stat().st_mtime_ns for p, d in job.ledger.pieces.items()}
    again, _sliced, muxed = await encode_once(job)
    assert again == first and muxed is not None
    assert logs[-1].endswith(f", {len(pieces)} already encoded")
    assert {
        p: (job.work_dir / d.file).stat().st_mtime_ns for p, d in job.ledger.pieces.items()
    } == pieces
