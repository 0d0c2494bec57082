"""The convert verb's pure parts: bitrate parsing, the progress display, the reason line."""

from __future__ import annotations

import argparse
import io
from uuid import uuid4

import pytest

from aiom4b_tui.cli.convert_verb import ProgressDisplay, failure_reason, parse_bitrate
from aiom4b_tui.queue.runner.runner import RunnerEvent
from aiom4b_tui.store.models import JobStatus

JOB = uuid4()


def test_parse_bitrate():
    assert parse_bitrate("64k") == 64_000
    assert parse_bitrate("96K") == 96_000
    assert parse_bitrate("128000") == 128_000
    for bad in ("fast", "1k", "9999k"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_bitrate(bad)


def _events():
    yield RunnerEvent(JOB, "Dune", "status", "started by h:1", JobStatus.RUNNING)
    yield RunnerEvent(JOB, "Dune", "progress", "25% 40× eta 9s", progress=0.25)
    yield RunnerEvent(JOB, "Dune", "progress", "50% 40× eta 6s", progress=0.5)
    yield RunnerEvent(JOB, "Dune", "status", "completed: /o/Dune.m4b", JobStatus.COMPLETED)


def test_on_a_terminal_the_bar_is_redrawn_in_place():
    out = io.StringIO()
    display = ProgressDisplay(out, tty=True)
    for event in _events():
        display(event)
    text = out.getvalue()
    assert text.startswith("started by h:1\n\r[######")
    assert "\r[############............] 50% 40× eta 6s" in text
    assert text.endswith("\ncompleted: /o/Dune.m4b\n")


def test_elsewhere_progress_comes_as_occasional_lines():
    out = io.StringIO()
    display = ProgressDisplay(out, tty=False)
    for event in _events():
        display(event)
    assert out.getvalue().splitlines() == [
        "started by h:1",
        "progress 25% 40× eta 9s",  # the next one is within LINE_EVERY_SECONDS
        "completed: /o/Dune.m4b",
    ]
    assert "\r" not in out.getvalue()


def test_failure_reason_is_the_last_failed_line():
    log = (
        "2026-01-01 10:00:00 started by h:1\n"
        "2026-01-01 10:00:01 failed: 02.mp3 cannot be decoded\n"
        "2026-01-01 10:00:01 ffmpeg: Invalid data found when processing input"
    )
    assert failure_reason(log) == "failed: 02.mp3 cannot be decoded"
    assert failure_reason(None) == "failed"
