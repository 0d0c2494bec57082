"""Who runs a job: the `host:pid` worker id, and whether such a worker is still alive."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WorkerId:
    """A runner's identity as stored in `jobs.worker`."""

    host: str
    pid: int

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"

    @classmethod
    def parse(cls, text: str | None) -> WorkerId | None:
        """The id in `text` ("host:pid"), or None when it is not one."""
        if not text:
            return None
        host, sep, pid = text.rpartition(":")
        if not sep or not host or not pid.isdigit():
            return None
        return cls(host, int(pid))


HOST_ID_ENV = "AIOM4B_HOST_ID"


def this_host() -> str:
    """This machine's name, as worker ids carry it: AIOM4B_HOST_ID if set (hosts whose
    names clash, or several "hosts" on one machine), else the host name."""
    return os.environ.get(HOST_ID_ENV, "").strip() or socket.gethostname()


def current_worker_id() -> WorkerId:
    """The worker id of this process."""
    return WorkerId(this_host(), os.getpid())


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists on this machine and is not a zombie."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    # A killed child that its parent has not reaped yet still answers kill(pid, 0).
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
