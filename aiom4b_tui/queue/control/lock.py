"""One worker per data dir: the worker lock.

A worker holds an OS file lock on `<data dir>/worker.lock` (flock) for as long as it
runs, with its pid written in the file; the lock goes with the process however it ends,
so an unlocked file means no worker, whatever the file says.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

LOCK_FILE = "worker.lock"


@dataclass
class WorkerLock:
    """The held worker lock of a data dir; `release` (or process exit) gives it back."""

    path: Path
    fd: int

    def release(self) -> None:
        """Give the lock back (the file stays; an unlocked file means no worker)."""
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
            os.close(self.fd)
            self.fd = -1


def lock_path(data_dir: Path) -> Path:
    """The lock file of a data dir's worker."""
    return Path(data_dir) / LOCK_FILE


def try_lock(data_dir: Path) -> WorkerLock | None:
    """Take the data dir's worker lock for this process, or None when a worker has it."""
    path = lock_path(data_dir)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return WorkerLock(path, fd)


def lock_holder(data_dir: Path) -> int | None:
    """The pid of the worker holding the data dir's lock (-1: held, its pid not written
    yet), or None when none does."""
    path = lock_path(data_dir)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 64).decode("ascii", "replace").strip()
            return int(text) if text.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
