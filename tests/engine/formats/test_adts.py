"""ADTS frames read without a decoder: a whole stream's frame offsets, the whole frames a
stopped encoder's file begins with, a file's frame count."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.formats.adts import (
    ADTSError,
    adts_frame_offsets,
    adts_prefix_offsets,
    count_adts_frames,
)
from tests.helpers.adts import adts_frame


def test_frame_offsets_follow_the_header_lengths():
    data = adts_frame(10) + adts_frame(300) + adts_frame(0)
    assert adts_frame_offsets(data) == [0, 17, 324, 331]


def test_broken_streams_are_refused():
    with pytest.raises(ADTSError):
        adts_frame_offsets(adts_frame(10) + b"junk")
    with pytest.raises(ADTSError):
        adts_frame_offsets(adts_frame(10)[:-3])


def test_the_whole_frames_a_file_begins_with_stop_at_a_cut_frame_or_another_format():
    data = adts_frame() * 3
    assert adts_prefix_offsets(data) == [0, 27, 54, 81]
    assert adts_prefix_offsets(data + adts_frame()[:10]) == [0, 27, 54, 81]
    assert adts_prefix_offsets(data + b"\0" * 40) == [0, 27, 54, 81]
    assert adts_prefix_offsets(data + adts_frame(rate_index=3)) == [0, 27, 54, 81]
    assert adts_prefix_offsets(b"") == [0]


def test_a_files_frames_are_counted(tmp_path: Path):
    path = tmp_path / "a.aac"
    path.write_bytes(adts_frame(5) + adts_frame(700) + adts_frame(0))
    assert count_adts_frames(path) == 3
    path.write_bytes(b"")
    assert count_adts_frames(path) == 0
    path.write_bytes(adts_frame(5)[:-1])
    with pytest.raises(ADTSError):
        count_adts_frames(path)
