"""Progress of a conversion: fraction, speed and ETA from the seconds done per piece; a
piece an earlier run finished counts as done, not as speed."""

from __future__ import annotations

import dataclasses
import time

import pytest

from aiom4b_tui.engine.progress import ConvertProgress, ProgressMeter


def meter(total: float) -> tuple[ProgressMeter, list[tuple[float, float | None]]]:
    seen: list[tuple[float, float | None]] = []
    return ProgressMeter(total, lambda fraction, speed: seen.append((fraction, speed))), seen


def test_pieces_add_up_to_the_fraction_of_the_book():
    m, seen = meter(100.0)
    m.update("a", 10.0, force=True)
    m.update("b", 30.0, force=True)
    m.update("a", 20.0, force=True)  # a piece reports its seconds so far, not an increment
    assert [f for f, _s in seen] == pytest.approx([0.1, 0.4, 0.5])
    m.update("c", 500.0, force=True)
    assert seen[-1][0] == 1.0  # never past the whole book


def test_reports_come_a_few_times_a_second_unless_forced():
    m, seen = meter(100.0)
    m.update("a", 1.0, force=True)
    m.update("a", 2.0)
    m.update("a", 3.0)
    assert len(seen) == 1  # within 0.25 s of the last report: held back
    m.update("a", 4.0, force=True)
    assert seen[-1][0] == pytest.approx(0.04)


def test_speed_counts_only_this_runs_work_once_half_a_second_has_passed():
    m, seen = meter(100.0)
    m.preload({"old": 40.0})
    assert seen == [(0.4, None)]  # where the book stands, no speed from it
    m.update("new", 10.0, force=True)
    assert seen[-1] == (pytest.approx(0.5), None)  # too soon to tell a speed
    m.started = time.monotonic() - 5.0
    m.update("new", 20.0, force=True)
    fraction, speed = seen[-1]
    assert fraction == pytest.approx(0.6)
    assert speed == pytest.approx(20.0 / 5.0, rel=0.05)  # 20 s in 5 s: not the preloaded 40


def test_nothing_preloaded_reports_nothing():
    m, seen = meter(0.0)  # an empty book: no division by zero
    m.preload({})
    assert seen == []
    m.update("a", 0.0, force=True)
    assert seen == [(0.0, None)]


def test_a_callers_progress_is_a_frozen_record():
    progress = ConvertProgress(0.5, 2.0, 30.0, "encoding")
    assert (progress.fraction, progress.speed, progress.eta_seconds, progress.stage) == (
        0.5,
        2.0,
        30.0,
        "encoding",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        progress.stage = "done"  # type: ignore[misc]
