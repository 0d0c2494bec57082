"""Books and the folders made for them get the settings' modes, not the umask; a data
dir open to others is made private."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from aiom4b_tui.config.settings import ensure_private_dir
from aiom4b_tui.engine.work import file_modes
from tests.helpers.audio import make_tone

pytestmark = pytest.mark.integration


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def convert_with_umask(book: Path, out: Path, data_dir: Path, umask: int) -> Path:
    code = (
        f"import os, sys; os.umask({umask}); from aiom4b_tui.cli import main; "
        f"sys.exit(main(['--data-dir', {str(data_dir)!r}, 'convert', {str(book)!r}, "
        f"'--output-dir', {str(out)!r}]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=200, check=False
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


@pytest.mark.timeout(300)
def test_books_get_the_settings_modes_whatever_the_umask(tmp_path: Path, data_dir: Path):
    book = tmp_path / "Book"
    book.mkdir()
    make_tone(book / "01.mp3", 0.5)
    placed = convert_with_umask(book, tmp_path / "strict" / "out", data_dir, 0o077)
    assert mode(placed) == 0o644
    assert mode(placed.parent) == mode(placed.parent.parent) == 0o755
    (data_dir / "config.toml").write_text("file_mode = 0o640\ndir_mode = 0o750\n")
    placed = convert_with_umask(book, tmp_path / "loose" / "out", data_dir, 0)
    assert mode(placed) == 0o640
    assert mode(placed.parent) == 0o750


def test_folders_made_for_books_ignore_the_umask(tmp_path: Path):
    old = os.umask(0o077)
    try:
        file_modes.make_dirs(tmp_path / "a" / "b")
        file_modes.make_dir(tmp_path / "a" / "b" / "work")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a") == mode(tmp_path / "a" / "b" / "work") == 0o755


def test_a_loose_data_dir_is_tightened(tmp_path: Path, data_dir: Path):
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    done = subprocess.run(
        [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), "jobs"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert mode(data_dir) == 0o700


def test_a_data_dir_that_cannot_be_tightened_is_reported(tmp_path: Path, monkeypatch, caplog):
    loose = tmp_path / "shared"
    loose.mkdir()
    loose.chmod(0o755)

    def refuse(self: Path, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(Path, "chmod", refuse)
    with caplog.at_level(logging.WARNING):
        ensure_private_dir(loose)
    assert "open to other users (mode 755) and could not be made private" in caplog.text
