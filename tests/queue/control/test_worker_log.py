"""The detached worker's log: rotated past its size, older copies shifted and kept to a
number, opened for appending and private to the user."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from aiom4b_tui.queue.control.worker_log import WORKER_LOG, open_worker_log, rotate_log


def test_the_log_rotates_past_its_size(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    log.write_text("x" * 100)
    rotate_log(log, max_bytes=1000)
    assert log.exists()
    rotate_log(log, max_bytes=50)
    assert not log.exists() and (tmp_path / "worker.log.1").read_text() == "x" * 100


def test_older_copies_shift_and_the_oldest_goes(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    for text in ("first", "second", "third", "fourth"):
        log.write_text(text)
        rotate_log(log, max_bytes=1, kept=3)
    kept = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert kept == {"worker.log.1": "fourth", "worker.log.2": "third", "worker.log.3": "second"}


def test_a_missing_log_is_left_to_be_made(tmp_path: Path) -> None:
    rotate_log(tmp_path / "worker.log", max_bytes=1)
    assert list(tmp_path.iterdir()) == []


def test_the_log_opens_for_appending_and_private(tmp_path: Path) -> None:
    (tmp_path / WORKER_LOG).write_bytes(b"before\n")
    fd = open_worker_log(tmp_path)
    try:
        os.write(fd, b"after\n")
    finally:
        os.close(fd)
    log = tmp_path / WORKER_LOG
    assert log.read_bytes() == b"before\nafter\n"
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    os.close(open_worker_log(fresh))
    assert stat.S_IMODE((fresh / WORKER_LOG).stat().st_mode) == 0o600
