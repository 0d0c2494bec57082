"""An idle CPU cgroup for the ffmpeg children, where this machine lets us make one.

A cgroup whose `cpu.idle` is 1 gives way to every other process on the machine, as a
whole: measured on Linux 6.18 (2 cores), two ffmpeg 9 encodes as SCHED_IDLE in the
worker's session still kept a 10 ms sleep loop in a third session waiting 0.5-4 s while a
busy process ran in a second one; in an idle cgroup, at most 2 ms (bench/RESULTS.md,
"Encoders in an idle cgroup"). Making one needs a writable cgroup file system: root, or a
folder an administrator delegated (the `encoder_cgroup` setting names it).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_NAME = "aiom4b-encoders"


def idle_cgroup(root: Path = CGROUP_ROOT, named: Path | None = None) -> Path | None:
    """The folder of an idle CPU cgroup for encoders (`named`, or one made under the
    CPU hierarchy), made and marked idle if need be; None where that is not allowed."""
    candidates = [named] if named is not None else _candidates(root)
    for folder in candidates:
        if _made_idle(folder):
            return folder
    return None


def _candidates(root: Path) -> list[Path]:
    """Where an encoder cgroup can live: the cgroup v1 CPU hierarchy, or the v2 root
    where it hands out the CPU controller."""
    found = []
    if (root / "cpu" / "cpu.shares").exists():
        found.append(root / "cpu" / CGROUP_NAME)
    with contextlib.suppress(OSError):
        if "cpu" in (root / "cgroup.subtree_control").read_text().split():
            found.append(root / CGROUP_NAME)
    return found


def _made_idle(folder: Path) -> bool:
    """Make `folder` a cgroup marked idle; False where the kernel or rights refuse."""
    try:
        folder.mkdir(exist_ok=True)
        (folder / "cpu.idle").write_text("1")
    except OSError:
        return False
    return os.access(folder / "cgroup.procs", os.W_OK)


def join_cgroup(procs: bytes | None) -> None:  # pragma: no cover - in the child
    """Move this process into the cgroup whose `cgroup.procs` path is `procs`; between
    fork and exec, so only plain system calls, and a refusal leaves it where it is."""
    if procs is None:
        return
    try:
        fd = os.open(procs, os.O_WRONLY)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.write(fd, b"0")
    os.close(fd)
