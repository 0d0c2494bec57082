"""One worker per data dir, started detached when needed: the worker lock and the spawn.

A worker holds an OS file lock on `<data dir>/worker.lock` (flock) for as long as it
runs, with its pid written in the file; the lock goes with the process however it ends.
Clients (the TUI, `aiom4b add`) call `ensure_worker`: when nobody holds the lock, it
starts `aiom4b worker --auto` in a session of its own (no terminal: closing the SSH
connection or quitting the TUI does not touch it), its output appended to
`<data dir>/worker.log` (rotated at WORKER_LOG_MAX_BYTES). A worker runs at a lower CPU
priority (`lower_priority`), so the terminal it serves answers while its ffmpeg work.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LOCK_FILE = "worker.lock"
WORKER_LOG = "worker.log"
WORKER_LOG_MAX_BYTES = 5 * 1024 * 1024
WORKER_LOG_KEPT = 3


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
    """The pid of the worker holding the data dir's lock, or None when none does."""
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


def worker_command(*extra: str) -> list[str]:
    """The command line of a worker run by this same Python."""
    return [sys.executable, "-m", "aiom4b_tui", "worker", *extra]


def spawn_worker(data_dir: Path, *extra: str) -> int:
    """Start a worker on `data_dir` detached from this terminal; returns its pid."""
    log = Path(data_dir) / WORKER_LOG
    rotate_log(log)
    env = {**os.environ, "AIOM4B_DATA_DIR": str(data_dir)}
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
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


def lower_priority(nice: int) -> str | None:
    """Run this process, and every process it starts from now on, at `nice` (0-19) or
    lower priority; returns what changed, for the log, or None.

    Only the process's own nice: where the kernel groups processes by session
    (autogroup), that ranks the worker's work inside its own session and leaves the
    session's group at its normal weight. Lowering the group as well was tried and
    measured (bench/RESULTS.md, "Why the keys stalled"): two pinned SCHED_BATCH ffmpeg 9
    encoders in a session whose group is at nice 10 stalled a 10 ms sleep loop in another
    session for 1-4 s; the same encoders in a group at nice 0 stalled it at most 14 ms.
    """
    if nice <= 0:
        return None
    nice = max(nice, os.getpriority(os.PRIO_PROCESS, 0))
    os.setpriority(os.PRIO_PROCESS, 0, nice)
    return f"CPU priority: nice {nice}"
