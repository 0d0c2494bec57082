"""Leaving the queue to a background `aiom4b worker` when the app quits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def worker_command() -> list[str]:
    """The command line of a queue worker, run by this same Python."""
    return [sys.executable, "-m", "aiom4b_tui", "worker"]


def spawn_background_worker(data_dir: Path) -> int:
    """Start `aiom4b worker` on `data_dir`, detached from this terminal; returns its pid."""
    env = {**os.environ, "AIOM4B_DATA_DIR": str(data_dir)}
    with open(data_dir / "worker.log", "ab") as log:
        process = subprocess.Popen(
            worker_command(),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            close_fds=True,
        )
    return process.pid
