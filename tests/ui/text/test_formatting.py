"""Durations, sizes, speeds, progress, times and folders as the screen shows them: short,
fixed-width, and empty when unknown."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

from aiom4b_tui.ui.text import formatting


def test_a_books_length_and_a_clock_time():
    assert [formatting.book_length(s) for s in (45, 960, 75900)] == ["45s", "16m", "21h05"]
    assert [formatting.clock_time(s) for s in (3, 245, 3720)] == ["3s", "4m05", "1h02"]
    assert [formatting.clock_time(s) for s in (None, -1, math.inf)] == ["", "", ""]
    assert [formatting.track_time(s) for s in (123, 3723)] == ["2:03", "1:02:03"]


def test_a_speed_a_bar_and_a_size():
    assert [formatting.speed(s) for s in (140.4, 2.5, 0, None)] == ["140×", "2.5×", "", ""]
    assert formatting.progress_bar(0.71) == "█████░░░  71%"
    assert formatting.progress_bar(1.7) == "████████ 100%"  # never past full
    sizes = [formatting.file_size(n) for n in (512, 42_000, 620e6, 1.2e9, 5e12)]
    assert sizes == ["512 B", "42 kB", "620 MB", "1.2 GB", "5000 GB"]


def test_text_cut_to_its_width():
    assert formatting.ellipsize("Middlemarch", 8) == "Middlem…"
    assert formatting.ellipsize("Emma", 8) == "Emma"


def test_a_time_in_the_local_zone(utc):
    stamp = datetime(2026, 5, 1, 22, 41, 7, tzinfo=UTC)
    assert formatting.local_time(stamp) == "2026-05-01 22:41:07"
    assert formatting.local_time(stamp.replace(tzinfo=None), with_date=False) == "22:41:07"
    assert formatting.local_time(None) == ""


def test_a_folder_with_home_as_a_tilde_cut_at_the_left(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert formatting.home_label(tmp_path / "Audiobooks", 21) == "~/Audiobooks"
    assert formatting.home_label(Path("/srv/books/audio/inbox"), 12) == "…audio/inbox"
    assert formatting.home_label(Path("/in\x1b[2J"), 20) == "/in␛[2J"
