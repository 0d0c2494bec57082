"""Escape sequences and newlines in tags and names never reach the terminal live from
`add`, `jobs`, `stats` or an error message."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.audio import make_tone
from tests.helpers.cli import run_aiom4b

pytestmark = pytest.mark.integration

EVIL = "Evil\x1b]0;pwned\x07Book\x1b[2J\r\nNext"
LIVE = ("\x1b", "\x07", "\r", "\x9b")


def assert_safe(text: str) -> None:
    for char in LIVE:
        assert char not in text, repr(text)


def test_tags_and_names_are_shown_with_visible_controls(tmp_path: Path, data_dir: Path):
    book = tmp_path / "Book \x1b[31mred"
    book.mkdir()
    make_tone(book / "01.mp3", 0.5, tags={"album": EVIL, "artist": "A\x1b[2J"})
    added = run_aiom4b("add", "--no-worker", str(book), data_dir=data_dir)
    assert added.returncode == 0, added.stderr
    assert_safe(added.stdout)
    assert "Evil␛]0;pwned␇Book␛[2J␍␊Next" in added.stdout
    assert len(added.stdout.splitlines()) == 1
    run_aiom4b("add", "--no-worker", str(book), "--name", "Named\x1b]0;x\x07", data_dir=data_dir)
    listed = run_aiom4b("jobs", data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    assert_safe(listed.stdout)
    assert len(listed.stdout.splitlines()) == 2
    assert "Named␛]0;x␇" in listed.stdout
    as_json = run_aiom4b("jobs", "--json", data_dir=data_dir)
    assert_safe(as_json.stdout)
    assert "\\u001b]0;pwned\\u0007" in as_json.stdout
    stats = run_aiom4b("stats", data_dir=data_dir)
    assert stats.returncode == 0
    assert_safe(stats.stdout)


def test_error_messages_show_controls_visibly(tmp_path: Path, data_dir: Path):
    missing = tmp_path / "gone\x1b]0;pwned\x07"
    result = run_aiom4b("add", str(missing), data_dir=data_dir)
    assert result.returncode == 2
    assert_safe(result.stderr)
    assert "gone␛]0;pwned␇" in result.stderr
