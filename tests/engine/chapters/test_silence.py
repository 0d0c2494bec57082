"""Chapters by silence, and chapters over the length limit split at a silence (or at
the limit), found with the real ffmpeg on generated audio."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.mp4.chapters import chapter_starts_in_units
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.audio import make_tone
from tests.helpers.chapter_audio import make_onsets
from tests.helpers.engine import convert

pytestmark = pytest.mark.integration
RATE = 44100
BURSTS = [0.0, 1.2, 2.4, 3.6]  # 0.4 s of tone each; silences between them
MIDDLES = [0.8, 2.0, 3.2]


def _chapters(out: Path) -> list[tuple[float, str]]:
    timescale, exact = chapter_starts_in_units(out)
    return [(s / timescale, t) for s, t in exact]


async def test_chapters_at_the_middle_of_each_silence(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Talk"
    book.mkdir()
    make_onsets(book / "talk.flac", BURSTS, 4.4, RATE)
    options = JobOptions(chapters_by_silence=True, silence_seconds=0.5)
    logs: list[str] = []
    out = await convert([book], tmp_path / "out", ffmpeg, options=options, logs=logs)
    found = _chapters(out)
    assert [t for _s, t in found] == ["Chapter 1", "Chapter 2", "Chapter 3", "Chapter 4"]
    assert [s for s, _t in found] == pytest.approx([0.0, *MIDDLES], abs=0.001)
    assert any("3 silences of 0.5 s or more" in line for line in logs)


async def test_long_chapters_split_at_silences_else_at_the_limit(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Long"
    book.mkdir()
    make_onsets(book / "long.flac", BURSTS, 4.4, RATE)
    options = JobOptions(max_chapter_minutes=0.02, silence_seconds=0.5)  # 1.2 s
    out = await convert([book], tmp_path / "out", ffmpeg, options=options)
    found = _chapters(out)
    assert [t for _s, t in found] == ["long", "long (2)", "long (3)", "long (4)"]
    assert [s for s, _t in found] == pytest.approx([0.0, *MIDDLES], abs=0.001)
    steady = tmp_path / "Steady"
    steady.mkdir()
    make_tone(steady / "tone.flac", 5.0, codec="flac")  # no silence anywhere
    out = await convert([steady], tmp_path / "out2", ffmpeg, options=options)
    found = _chapters(out)
    assert [s for s, _t in found] == pytest.approx([0.0, 1.2, 2.4, 3.6, 4.8], abs=0.001)
    assert found[-1][1] == "tone (5)"
