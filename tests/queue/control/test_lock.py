"""The worker lock: one holder per data dir, seen by other processes; log rotation; the
worker's lower CPU priority."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiom4b_tui.queue.control.spawn import lock_holder, rotate_log, try_lock


def test_the_lock_has_one_holder_and_names_its_pid(tmp_path: Path) -> None:
    assert lock_holder(tmp_path) is None
    held = try_lock(tmp_path)
    assert held is not None
    # Another process sees the holder and cannot take the lock.
    code = (
        "import os, sys\n"
        "from aiom4b_tui.queue.control.spawn import lock_holder, try_lock\n"
        f"d = {str(tmp_path)!r}\n"
        "print(lock_holder(d), try_lock(d) is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(__import__("os").getpid()), "True"]
    held.release()
    assert lock_holder(tmp_path) is None


def test_a_killed_holder_leaves_the_lock_free(tmp_path: Path) -> None:
    code = (
        "import os, signal\n"
        "from aiom4b_tui.queue.control.spawn import try_lock\n"
        f"assert try_lock({str(tmp_path)!r}) is not None\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=False)
    assert lock_holder(tmp_path) is None


def test_the_log_rotates_past_its_size(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    log.write_text("x" * 100)
    rotate_log(log, max_bytes=1000)
    assert log.exists()
    rotate_log(log, max_bytes=50)
    assert not log.exists() and (tmp_path / "worker.log.1").read_text() == "x" * 100


LOWER_AND_REPORT = (
    "import os, subprocess, sys\n"
    "from aiom4b_tui.queue.control.spawn import lower_priority\n"
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
