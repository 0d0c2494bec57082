"""Where a detached worker's output goes: `<data dir>/worker.log`, appended to, and
rotated (`worker.log.1`, `.2`, …) once it grows past WORKER_LOG_MAX_BYTES."""

from __future__ import annotations

import os
from pathlib import Path

WORKER_LOG = "worker.log"
WORKER_LOG_MAX_BYTES = 5 * 1024 * 1024
WORKER_LOG_KEPT = 3


def rotate_log(
    path: Path, max_bytes: int = WORKER_LOG_MAX_BYTES, kept: int = WORKER_LOG_KEPT
) -> None:
    """Move `path` to `path.1` (and `.1` to `.2`, …) once it is larger than `max_bytes`."""
    try:
        if path.stat().st_size < max_bytes:
            return
    except FileNotFoundError:
        return
    for n in range(kept - 1, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{n + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))


def open_worker_log(data_dir: Path) -> int:
    """The data dir's worker log, rotated if due, opened for appending (a file
    descriptor, private to the user, for a child's output)."""
    log = Path(data_dir) / WORKER_LOG
    rotate_log(log)
    return os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
