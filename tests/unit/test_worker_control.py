"""The worker lock: one holder per data dir, seen by other processes; log rotation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aiom4b_tui.core.worker_control import lock_holder, rotate_log, try_lock


def test_the_lock_has_one_holder_and_names_its_pid(tmp_path: Path) -> None:
    assert lock_holder(tmp_path) is None
    held = try_lock(tmp_path)
    assert held is not None
    # Another process sees the holder and cannot take the lock.
    code = (
        "import os, sys\n"
        "from aiom4b_tui.core.worker_control import lock_holder, try_lock\n"
        f"d = {str(tmp_path)!r}\n"
        "print(lock_holder(d), try_lock(d) is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(__import__("os").getpid()), "True"]
    held.release()
    assert lock_holder(tmp_path) is None


def test_a_killed_holder_leaves_the_lock_free(tmp_path: Path) -> None:
    code = (
        "import os, signal\n"
        "from aiom4b_tui.core.worker_control import try_lock\n"
        f"assert try_lock({str(tmp_path)!r}) is not None\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=False)
    assert lock_holder(tmp_path) is None


def test_the_log_rotates_past_its_size(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    log.write_text("x" * 100)
    rotate_log(log, max_bytes=1000)
    assert log.exists()
    rotate_log(log, max_bytes=50)
    assert not log.exists() and (tmp_path / "worker.log.1").read_text() == "x" * 100
