"""Escape sequences and newlines in tags and names never reach the terminal live from
`add`, `jobs`, `stats` or an error message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.audio import make_tone

pytestmark = pytest.mark.integration

EVIL = "Evil\x1b]0;pwned\x07Book\x1b[2J\r\nNext"
LIVE = ("\x1b", "\x07", "\r", "\x9b")


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def assert_safe(text: str) -> None:
    for char in LIVE:
        assert char not in text, repr(text)


def test_tags_and_names_are_shown_with_visible_controls(tmp_path: Path, data_dir: Path):
    book = tmp_path / "Book \x1b[31mred"
    book.mkdir()
    make_tone(book / "01.mp3", 0.5, tags={"album": EVIL, "artist": "A\x1b[2J"})
    added = run_cli(data_dir, "add", "--no-worker", str(book))
    assert added.returncode == 0, added.stderr
    assert_safe(added.stdout)
    assert "Evil␛]0;pwned␇Book␛[2J␍␊Next" in added.stdout
    assert len(added.stdout.splitlines()) == 1
    run_cli(data_dir, "add", "--no-worker", str(book), "--name", "Named\x1b]0;x\x07")
    listed = run_cli(data_dir, "jobs")
    assert listed.returncode == 0, listed.stderr
    assert_safe(listed.stdout)
    assert len(listed.stdout.splitlines()) == 2
    assert "Named␛]0;x␇" in listed.stdout
    as_json = run_cli(data_dir, "jobs", "--json")
    assert_safe(as_json.stdout)
    assert "\\u001b]0;pwned\\u0007" in as_json.stdout
    stats = run_cli(data_dir, "stats")
    assert stats.returncode == 0
    assert_safe(stats.stdout)


def test_error_messages_show_controls_visibly(tmp_path: Path, data_dir: Path):
    missing = tmp_path / "gone\x1b]0;pwned\x07"
    result = run_cli(data_dir, "add", str(missing))
    assert result.returncode == 2
    assert_safe(result.stderr)
    assert "gone␛]0;pwned␇" in result.stderr
