"""The worker lock: one holder per data dir, seen by other processes, gone with its
holder however it ends."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from aiom4b_tui.queue.control.lock import lock_holder, lock_path, try_lock


def test_the_lock_has_one_holder_and_names_its_pid(tmp_path: Path) -> None:
    assert lock_holder(tmp_path) is None
    held = try_lock(tmp_path)
    assert held is not None
    # Another process sees the holder and cannot take the lock.
    code = (
        "import os, sys\n"
        "from aiom4b_tui.queue.control.lock import lock_holder, try_lock\n"
        f"d = {str(tmp_path)!r}\n"
        "print(lock_holder(d), try_lock(d) is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(os.getpid()), "True"]
    held.release()
    assert lock_holder(tmp_path) is None


def test_a_killed_holder_leaves_the_lock_free(tmp_path: Path) -> None:
    code = (
        "import os, signal\n"
        "from aiom4b_tui.queue.control.lock import try_lock\n"
        f"assert try_lock({str(tmp_path)!r}) is not None\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=False)
    assert lock_holder(tmp_path) is None


def test_a_lock_taken_before_its_pid_is_written_reads_as_held(tmp_path: Path) -> None:
    fd = os.open(lock_path(tmp_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as try_lock, a moment before it writes
        assert lock_holder(tmp_path) == -1
        assert try_lock(tmp_path) is None
    finally:
        os.close(fd)
    assert lock_holder(tmp_path) is None


def test_release_empties_the_file_and_frees_the_lock(tmp_path: Path) -> None:
    held = try_lock(tmp_path)
    assert held is not None and held.path.read_text() == f"{os.getpid()}\n"
    held.release()
    held.release()  # twice is harmless
    assert held.path.read_text() == "" and held.fd == -1
    again = try_lock(tmp_path)
    assert again is not None
    again.release()
