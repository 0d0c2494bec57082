"""A worker's CPU priority: it runs (and every ffmpeg it starts inherits) a lower one, so
the terminal it shares a machine with answers while it works (`worker_nice`)."""

from __future__ import annotations

import os


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
