"""A worker's lower CPU priority: what it starts inherits it, and its session's scheduling
group keeps its weight (each case in a process of its own)."""

from __future__ import annotations

import os
import subprocess
import sys

LOWER_AND_REPORT = (
    "import os, subprocess, sys\n"
    "from aiom4b_tui.queue.cpu_priority import lower_priority\n"
    "said = lower_priority(int(sys.argv[1]))\n"
    "child = 'import os; print(os.getpriority(os.PRIO_PROCESS, 0))'\n"
    "nice = subprocess.run([sys.executable, '-c', child], capture_output=True, text=True)\n"
    "print(nice.stdout.strip(), said, sep='|')\n"
)

AUTOGROUP_NICE = (
    "try:\n"
    "    print(open('/proc/self/autogroup').read().split('nice')[1].strip())\n"
    "except OSError:\n"
    "    print('no autogroup')\n"
)


def lowered(nice: int, *, own_session: bool) -> tuple[int, str]:
    """In a new process: lower_priority(nice); the nice its child then has, and what it said."""
    done = subprocess.run(
        [sys.executable, "-c", LOWER_AND_REPORT, str(nice)],
        capture_output=True,
        text=True,
        check=True,
        start_new_session=own_session,
    )
    child_nice, said = done.stdout.strip().split("|")
    return int(child_nice), said


def test_a_worker_and_what_it_starts_run_at_its_nice() -> None:
    started_at = os.getpriority(os.PRIO_PROCESS, 0)  # tests may run niced already
    for own_session in (False, True):
        child_nice, said = lowered(12, own_session=own_session)
        assert child_nice == max(12, started_at)
        assert said == f"CPU priority: nice {child_nice}"


def test_a_detached_worker_leaves_its_sessions_group_at_its_weight() -> None:
    """A session's scheduling group at a lower weight stalled other sessions for seconds
    while its batch-scheduled ffmpeg ran (bench/RESULTS.md): the group stays as it is."""
    done = subprocess.run(
        [sys.executable, "-c", LOWER_AND_REPORT + AUTOGROUP_NICE, "12"],
        capture_output=True,
        text=True,
        check=True,
        start_new_session=True,
    )
    group_nice = done.stdout.strip().splitlines()[-1]
    assert group_nice in ("0", "no autogroup")


def test_nice_0_leaves_the_priority_as_it_was() -> None:
    child_nice, said = lowered(0, own_session=True)
    assert child_nice == os.getpriority(os.PRIO_PROCESS, 0)
    assert said == "None"
