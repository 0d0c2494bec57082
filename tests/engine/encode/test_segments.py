"""Cutting the timeline into AAC segments: cuts on frame edges, rolls, the packets kept."""

from __future__ import annotations

import itertools

import pytest

from aiom4b_tui.engine.encode.segments import (
    KNOWN_MAX_SEGMENT_SECONDS,
    kept_packets,
    make_segment,
    plan_cuts,
    plan_known_cuts,
    resumed_segment,
)
from aiom4b_tui.engine.formats.adts import ADTSError

CUTS = [0, 10240, 20480, 30720, 40960]


def test_segments_cut_on_frame_edges_with_rolls():
    seg = make_segment(1, CUTS, 2048, 1024, None)
    assert (seg.start, seg.end, seg.enc_start, seg.enc_end, seg.last) == (
        10240,
        20480,
        8192,
        21504,
        False,
    )
    first = make_segment(0, CUTS, 2048, 2048, 50_000)
    assert (first.enc_start, first.enc_end) == (0, 12 * 1024)
    last = make_segment(4, CUTS, 2048, 2048, 45_000)  # the open last one runs to the end
    assert (last.start, last.end, last.enc_end, last.last) == (40960, 45000, 45000, True)
    short = make_segment(3, CUTS, 2048, 2048, 35_000)  # decoding found less than planned
    assert (short.end, short.last) == (35_000, True)
    assert make_segment(4, CUTS, 2048, 2048, 35_000) is None
    with pytest.raises(ValueError):
        make_segment(4, CUTS, 2048, 2048, None)
    with pytest.raises(ValueError):
        make_segment(0, [0, 1000], 0, 0, None)


def test_kept_packets_cover_exactly_the_segment():
    # Packet p of an encode decodes input [(p-1)*1024, p*1024): packet 0 is priming.
    cuts = list(range(0, 100_000, 10 * 1024))
    first = make_segment(0, cuts, 2048, 2048, 100_000)
    assert kept_packets(first, 13) == (0, 11)  # priming + 10 frames
    middle = make_segment(1, cuts, 2048, 2048, 100_000)
    assert kept_packets(middle, 15) == (3, 13)  # skip priming + 2 roll frames; keep 10
    last = make_segment(len(cuts) - 1, cuts, 2048, 2048, 100_000)
    packets = -(-(last.enc_end - last.enc_start) // 1024) + 1
    begin, stop = kept_packets(last, packets)
    assert (begin, stop) == (3, packets)
    assert (stop - begin) * 1024 >= last.samples
    with pytest.raises(ADTSError):
        kept_packets(middle, 10)


def test_cuts_shrink_towards_the_end_so_slots_finish_together():
    rate = 44100
    cuts = plan_cuts(0, 7200 * rate, rate, 2)
    lengths = [b - a for a, b in zip(cuts, [*cuts[1:], 7200 * rate], strict=True)]
    assert all(c % 1024 == 0 for c in cuts) and cuts[0] == 0
    assert lengths[0] == 20 * rate // 1024 * 1024  # short first: encoding starts at once
    assert lengths[1] == 300 * rate // 1024 * 1024  # capped at 5 minutes
    assert all(a >= b for a, b in itertools.pairwise(lengths[1:-1]))  # then shrinking
    assert max(lengths[-3:]) <= 40 * rate  # the tail is fine-grained
    assert 24 <= len(cuts) <= 36
    assert plan_cuts(0, 10 * rate, rate, 2) == [0]  # short books: one segment
    assert len(plan_cuts(0, 30 * rate, rate, 2)) == 2
    fixed = plan_cuts(0, 10 * rate, rate, 2, seconds=2)
    assert fixed == list(range(0, 10 * rate, 2 * rate // 1024 * 1024))
    assert plan_cuts(4096, 4096 + 3 * rate, rate, 2, seconds=1)[0] == 4096


def test_known_cuts_give_short_books_few_segments_and_no_tiny_tail():
    rate = 44100
    assert plan_known_cuts(120 * rate, rate, 2) == [0, 60 * rate // 1024 * 1024]
    assert plan_known_cuts(30 * rate, rate, 2) == [0]
    long = plan_known_cuts(14400 * rate, rate, 2)
    lengths = [b - a for a, b in zip(long, [*long[1:], 14400 * rate], strict=True)]
    assert all(c % 1024 == 0 for c in long) and long[0] == 0
    assert lengths[0] == KNOWN_MAX_SEGMENT_SECONDS * rate // 1024 * 1024  # no short first one
    assert max(lengths) == lengths[0]
    assert len(long) <= 14400 // KNOWN_MAX_SEGMENT_SECONDS + 10  # few rolls and starts
    assert all(a >= b for a, b in itertools.pairwise(lengths[:-1]))
    assert min(lengths) >= 20 * rate and max(lengths[-3:]) <= 160 * rate
    assert plan_known_cuts(14400 * rate, rate, 1) == plan_cuts(0, 14400 * rate, rate, 1)
    assert plan_known_cuts(10 * rate, rate, 2, seconds=2) == plan_cuts(0, 10 * rate, rate, 2, 2)


def test_a_resumed_segment_starts_later_with_its_own_pre_roll():
    segment = make_segment(1, CUTS, 2048, 1024, 50_000)
    rest = resumed_segment(segment, 15 * 1024, 2048)
    assert (rest.index, rest.start, rest.end) == (1, 15 * 1024, 20480)
    assert (rest.enc_start, rest.enc_end, rest.last) == (13 * 1024, segment.enc_end, False)
    assert rest.samples == 20480 - 15 * 1024
    for bad in (15 * 1024 + 1, segment.start, segment.end):
        with pytest.raises(ValueError):
            resumed_segment(segment, bad, 2048)
