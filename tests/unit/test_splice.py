"""ADTS byte work and segment arithmetic."""

from __future__ import annotations

import pytest

from aiom4b_tui.core.splice import (
    ADTSError,
    adts_frame_offsets,
    kept_packets,
    make_segment,
    segment_length,
)


def adts_frame(payload: int) -> bytes:
    length = 7 + payload
    header = bytes(
        [
            0xFF,
            0xF1,
            0x50,
            0x80 | (length >> 11),
            (length >> 3) & 0xFF,
            ((length & 7) << 5) | 0x1F,
            0xFC,
        ]
    )
    return header + bytes(payload)


def test_frame_offsets_follow_the_header_lengths():
    data = adts_frame(10) + adts_frame(300) + adts_frame(0)
    assert adts_frame_offsets(data) == [0, 17, 324, 331]


def test_broken_streams_are_refused():
    with pytest.raises(ADTSError):
        adts_frame_offsets(adts_frame(10) + b"junk")
    with pytest.raises(ADTSError):
        adts_frame_offsets(adts_frame(10)[:-3])


def test_segments_cut_on_frame_edges_with_rolls():
    seg = make_segment(1, 10 * 1024, 2 * 1024, None)
    assert (seg.start, seg.end, seg.enc_start, seg.enc_end, seg.last) == (
        10240,
        20480,
        8192,
        22528,
        False,
    )
    first = make_segment(0, 10 * 1024, 2 * 1024, 50_000)
    assert (first.enc_start, first.enc_end) == (0, 12 * 1024)
    last = make_segment(4, 10 * 1024, 2 * 1024, 45_000)
    assert (last.start, last.end, last.enc_end, last.last) == (40960, 45000, 45000, True)
    assert make_segment(5, 10 * 1024, 2 * 1024, 45_000) is None
    with pytest.raises(ValueError):
        make_segment(0, 1000, 0, None)


def test_kept_packets_cover_exactly_the_segment():
    # Packet p of an encode decodes input [(p-1)*1024, p*1024): packet 0 is priming.
    first = make_segment(0, 10 * 1024, 2 * 1024, 100_000)
    assert kept_packets(first, 13) == (0, 11)  # priming + 10 frames
    middle = make_segment(1, 10 * 1024, 2 * 1024, 100_000)
    assert kept_packets(middle, 15) == (3, 13)  # skip priming + 2 roll frames; keep 10
    last = make_segment(9, 10 * 1024, 2 * 1024, 100_000)
    packets = -(-(last.enc_end - last.enc_start) // 1024) + 1
    begin, stop = kept_packets(last, packets)
    assert (begin, stop) == (3, packets)
    assert (stop - begin) * 1024 >= last.samples
    with pytest.raises(ADTSError):
        kept_packets(middle, 10)


def test_segment_length_spreads_work_over_slots():
    rate = 44100
    assert segment_length(7200 * rate, rate, 2) == 600 * rate // 1024 * 1024
    assert segment_length(3600 * rate, rate, 2) == int(3600 * rate / 8) // 1024 * 1024
    assert segment_length(10 * rate, rate, 2) == 20 * rate // 1024 * 1024
    assert segment_length(10 * rate, rate, 2, seconds=2) == 2 * rate // 1024 * 1024
