"""Starting a worker detached: clients (the TUI, `aiom4b add`) call `ensure_worker`, which
starts `aiom4b worker --auto` when no worker holds the data dir's lock
(queue/control/lock.py).

The worker runs in a session of its own (no terminal: closing the SSH connection or
quitting the TUI does not touch it), its output appended to the data dir's worker log
(queue/control/worker_log.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiom4b_tui.queue.control.lock import lock_holder
from aiom4b_tui.queue.control.worker_log import open_worker_log


def worker_command(*extra: str) -> list[str]:
    """The command line of a worker run by this same Python."""
    return [sys.executable, "-m", "aiom4b_tui", "worker", *extra]


def spawn_worker(data_dir: Path, *extra: str) -> int:
    """Start a worker on `data_dir` detached from this terminal; returns its pid."""
    env = {**os.environ, "AIOM4B_DATA_DIR": str(data_dir)}
    fd = open_worker_log(data_dir)
    try:
        process = subprocess.Popen(
            worker_command(*extra),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=fd,
            stderr=fd,
            start_new_session=True,
            close_fds=True,
        )
    finally:
        os.close(fd)
    return process.pid


def ensure_worker(data_dir: Path) -> int | None:
    """Start a detached `aiom4b worker --auto` unless one holds the data dir's lock.

    Returns the new worker's pid, or None when one was running already. Two clients
    racing may both start one; the second finds the lock taken and exits at once.
    """
    if lock_holder(data_dir) is not None:
        return None
    return spawn_worker(data_dir, "--auto")
