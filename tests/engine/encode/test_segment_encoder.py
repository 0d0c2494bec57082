"""One segment encoded on a pool slot, the frames that cover it kept and recorded; a
segment an earlier run finished (or cut short) is taken from the ledger."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.encode.encoded import EncodeJob
from aiom4b_tui.engine.encode.segment_encoder import (
    SegmentEncoder,
    reused_note,
    segment_rolls,
)
from aiom4b_tui.engine.encode.segments import make_segment
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.progress import ProgressMeter
from aiom4b_tui.engine.work.manifest import DonePiece, read_manifest
from tests.helpers.audio import make_tone
from tests.helpers.book_plan import RATE, a_plan, fresh_ledger, stand_in_sources

FRAME = 1024


def test_rolls_are_whole_frames_of_at_least_three_seconds_before_and_one_after():
    for rate in (8000, 22050, 44100, 48000):
        roll, post = segment_rolls(rate)
        assert roll % FRAME == 0 and post % FRAME == 0
        assert 3 * rate <= roll < 3 * rate + FRAME
        assert rate <= post < rate + FRAME
    assert segment_rolls(44100) == (math.ceil(3 * 44100 / 1024) * 1024, 44 * 1024)


def job_in(tmp_path: Path, ffmpeg: str = "ffmpeg") -> EncodeJob:
    """The job of a stand-in book (3 × 10 s at 44.1 kHz, AAC 64k stereo)."""
    plan = a_plan(stand_in_sources(tmp_path / "book"))
    ledger = fresh_ledger(plan, tmp_path / "work")
    meter = ProgressMeter(plan.duration, lambda _f, _s: None)
    return EncodeJob(ConvertTask(ffmpeg, FFmpegPool(1), "t"), plan, ledger, meter)


CUTS = [0, 100 * FRAME, 200 * FRAME]


def test_what_is_left_of_a_segment_by_the_ledger(tmp_path: Path):
    job = job_in(tmp_path)
    encoder = SegmentEncoder(job)
    segment = make_segment(1, CUTS, encoder.roll, encoder.post, 250 * FRAME)
    assert segment is not None
    assert encoder.remaining(segment) == ([], segment)  # nothing done yet
    part = DonePiece(100 * FRAME, 30 * FRAME, "piece-102400.aac", 500, 10, 400, 0.7)
    job.ledger.pieces[part.start] = part
    pieces, rest = encoder.remaining(segment)
    assert pieces == [(job.work_dir / "piece-102400.aac", 10, 400)]
    assert rest is not None and (rest.start, rest.end) == (130 * FRAME, 200 * FRAME)
    assert rest.enc_start == 130 * FRAME - encoder.roll  # its own pre-roll
    whole = DonePiece(130 * FRAME, 70 * FRAME, "piece-133120.aac", 900, 0, 900, 1.6)
    job.ledger.pieces[whole.start] = whole
    assert encoder.remaining(segment)[1] is None  # all of it is done


def test_the_note_counts_the_segments_an_earlier_run_finished(tmp_path: Path):
    job = job_in(tmp_path)
    job.ledger.manifest.cuts, job.ledger.manifest.total = list(CUTS), 250 * FRAME
    assert reused_note(job, 3) == ""
    job.ledger.pieces[0] = DonePiece(0, 100 * FRAME, "piece-0.aac", 9, 0, 9, 2.3)
    job.ledger.pieces[200 * FRAME] = DonePiece(200 * FRAME, 50 * FRAME, "p.aac", 9, 0, 9, 1.2)
    assert reused_note(job, 3) == ", 2 already encoded"


@pytest.mark.integration
async def test_a_segment_is_encoded_its_covering_frames_kept_and_recorded(
    tmp_path: Path, ffmpeg: str
):
    job = job_in(tmp_path, ffmpeg)
    encoder = SegmentEncoder(job)
    total = 250 * FRAME
    segment = make_segment(1, CUTS, encoder.roll, encoder.post, total)
    assert segment is not None
    # The segment's input: exactly its samples with the rolls, as a route would give.
    wav = make_tone(
        tmp_path / "input.wav",
        0,
        rate=RATE,
        codec="wav",
        samples=segment.enc_end - segment.enc_start,
    )
    path, first, stop = await encoder.encode(segment, ["-i", str(wav)])
    assert path == job.work_dir / "piece-102400.aac" and path.is_file()
    assert not (job.work_dir / "piece-102400.aac.part").exists()
    kept = encoder.frames[path]  # waiting for the mux, parsed once
    assert (kept.first, kept.stop) == (first, stop)
    assert kept.stop_frame - kept.first_frame == segment.samples // FRAME
    done = job.ledger.pieces[segment.start]
    assert (done.samples, done.keep_start, done.keep_stop) == (segment.samples, first, stop)
    assert read_manifest(job.work_dir).pieces == job.ledger.pieces  # recorded on disk
    assert done.seconds == pytest.approx(segment.samples / RATE)
