"""What an interrupted segment encode leaves that the book keeps."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.engine.work.salvage import salvage_partial
from tests.helpers.adts import adts_frame as frame

FRAME = 1024
ROLL, POST = 3 * FRAME, 2 * FRAME


def salvage(tmp_path: Path, data: bytes, start: int = 50 * FRAME, end: int = 100 * FRAME):
    part = tmp_path / "piece.aac.part"
    part.write_bytes(data)
    return salvage_partial(part, start=start, end=end, roll=ROLL, post=POST, priming=FRAME)


def test_a_truncated_last_frame_and_a_post_roll_before_it_are_dropped(tmp_path: Path):
    # From 47 frames in: priming, 3 of pre-roll, then the segment's frames.
    kept = salvage(tmp_path, frame() * 30 + frame()[:12])
    assert kept is not None
    # 30 whole frames: 29 after the priming, less the last one and 2 of post-roll
    # = 26 frames from 47 frames in: the 23 after the pre-roll are kept.
    assert (kept.start, kept.stop_sample, kept.samples) == (50 * FRAME, 73 * FRAME, 23 * FRAME)
    assert (kept.keep_start, kept.keep_stop, kept.size) == (4 * 27, 27 * 27, 30 * 27 + 12)


def test_nothing_is_kept_from_an_empty_file_or_one_within_the_pre_roll(tmp_path: Path):
    assert salvage(tmp_path, b"") is None
    assert salvage(tmp_path, frame()[:5]) is None
    assert salvage(tmp_path, frame() * 7) is None  # priming, pre-roll, then 3: all dropped
    assert salvage(tmp_path, frame() * 8) is not None  # one frame past them
    assert salvage_partial(tmp_path / "gone", start=0, end=FRAME, roll=0, post=0, priming=0) is None


def test_the_first_segment_keeps_its_priming_and_no_piece_reaches_the_segment_end(
    tmp_path: Path,
):
    first = salvage(tmp_path, frame() * 30, start=0)
    assert first is not None
    assert (first.keep_start, first.stop_sample) == (0, 26 * FRAME)  # from the priming on
    assert first.keep_stop == 27 * 27
    whole = salvage(tmp_path, frame() * 70, end=60 * FRAME + 500)  # wrote past the end
    assert whole is not None and whole.stop_sample == 59 * FRAME  # a frame is left to do
