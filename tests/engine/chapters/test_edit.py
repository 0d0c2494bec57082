"""Chapters at silences and long chapters split (pure), and silencedetect's output read."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from aiom4b_tui.engine.chapters.chapter import PlannedChapter
from aiom4b_tui.engine.chapters.edit import Silence, chapters_at_silences, split_long_chapters
from aiom4b_tui.engine.chapters.silence import parse_silencedetect
from aiom4b_tui.engine.sources.scan import AudioFile


def audio(name: str, seconds: float) -> AudioFile:
    return AudioFile(Path("/b") / name, name, seconds, "mp3", 44100, 2, 128_000, {}, (), False)


FILES = [audio("1.mp3", 600.0), audio("2.mp3", 600.0)]


def test_chapters_at_silences_across_files_skip_ones_too_close():
    silences = [Silence(1, 100.0, 102.0), Silence(0, 0.0, 0.6), Silence(0, 300.0, 301.0)]
    chapters = chapters_at_silences(FILES, silences)
    assert [(c.title, c.file_index, c.offset, c.start) for c in chapters] == [
        ("Chapter 1", 0, 0.0, 0.0),
        ("Chapter 2", 0, 300.5, 300.5),
        ("Chapter 3", 1, 101.0, 701.0),
    ]


def test_long_chapters_split_at_the_latest_silence_in_reach_else_at_the_limit():
    chapters = [PlannedChapter("One", 0, 0.0, 0.0), PlannedChapter("Two", 1, 0.0, 600.0)]
    silences = [Silence(0, 200.0, 202.0), Silence(0, 250.0, 252.0), Silence(0, 100.0, 101.0)]
    split = split_long_chapters(chapters, FILES, silences, limit=300.0)
    assert [(c.title, c.file_index, round(c.offset, 3)) for c in split] == [
        ("One", 0, 0.0),
        ("One (2)", 0, 251.0),  # the latest silence in [150, 300]
        ("One (3)", 0, 551.0),  # no silence in reach: at the limit
        ("Two", 1, 0.0),
        ("Two (2)", 1, 300.0),
    ]
    assert all(b.start - a.start <= 300.0 for a, b in itertools.pairwise(split))
    assert split_long_chapters(chapters, FILES, [], limit=600.0) == chapters


def test_silencedetect_output_is_read_and_an_open_silence_left_out():
    stderr = (
        "[silencedetect @ 0x1] silence_start: -0.01\n"
        "[silencedetect @ 0x1] silence_end: 1.5 | silence_duration: 1.51\n"
        "size=N/A time=00:00:02.00\r[silencedetect @ 0x1] silence_start: 3.25\n"
        "[silencedetect @ 0x1] silence_end: 5 | silence_duration: 1.75\n"
        "[silencedetect @ 0x1] silence_start: 9.0\n"
    )
    assert parse_silencedetect(stderr) == [(0.0, 1.5), (3.25, 5.0)]


@pytest.mark.parametrize("limit", [0.5, 60.0])
def test_split_pieces_never_exceed_the_limit(limit):
    chapters = [PlannedChapter("Only", 0, 0.0, 0.0)]
    split = split_long_chapters(chapters, FILES, [], limit=limit)
    starts = [c.start for c in split] + [1200.0]
    assert max(b - a for a, b in itertools.pairwise(starts)) <= limit + 1e-9
