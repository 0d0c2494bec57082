"""The ffmpeg child as a process, with the real binary: pinned to its CPU at the
encoders' priority (in the idle cgroup where this machine gives one), lifted out of the
background when stopped, paused and continued, and dead with a killed parent."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aiom4b_tui.engine.ffmpeg.idle_cgroup import idle_cgroup
from aiom4b_tui.engine.ffmpeg.process import (
    is_paused,
    lift_out_of_background,
    pause_child,
    set_encoder_priority,
)
from aiom4b_tui.engine.ffmpeg.run import run_ffmpeg
from tests.helpers import ROOT
from tests.helpers.engine import wait_for_ffmpeg_children

pytestmark = pytest.mark.integration

NO_IDLE_CGROUP = (
    "this machine gives no idle cgroup (making one needs root, or a cgroup folder an "
    "administrator delegated): the encoders' cgroup was not exercised"
)
SINE = ["-re", "-f", "lavfi", "-i", "sine=d=30", "-f", "null", "-"]


@pytest.fixture
def priority():
    """Set the encoder priority for one test; the default comes back after it."""
    yield set_encoder_priority
    set_encoder_priority("background")


@pytest.mark.parametrize(
    ("setting", "policy"), [("background", os.SCHED_IDLE), ("normal", os.SCHED_BATCH)]
)
async def test_a_pinned_child_runs_on_its_cpu_only_at_its_priority(
    ffmpeg: str, priority, setting: str, policy: int
):
    priority(setting)
    cpu = max(os.sched_getaffinity(0))
    task = asyncio.ensure_future(
        run_ffmpeg(
            ffmpeg,
            ["-re", "-f", "lavfi", "-i", "sine=d=30", "-f", "null", "-"],
            cpus=frozenset({cpu}),
        )
    )
    try:
        children = await wait_for_ffmpeg_children()
        assert children
        assert os.sched_getaffinity(children[0]) == {cpu}
        # Its threads hand frames on without preempting each other.
        assert os.sched_getscheduler(children[0]) == policy
        await asyncio.sleep(0.5)  # its pipeline threads have started by now
        threads = list(Path(f"/proc/{children[0]}/task").iterdir())
        assert all(os.sched_getscheduler(int(t.name)) == policy for t in threads)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may lift a thread out of SCHED_IDLE")
async def test_a_child_being_stopped_is_lifted_out_of_the_background(ffmpeg: str, priority):
    priority("background")
    task = asyncio.ensure_future(
        run_ffmpeg(ffmpeg, ["-re", "-f", "lavfi", "-i", "sine=d=30", "-f", "null", "-"])
    )
    try:
        children = await wait_for_ffmpeg_children()
        await asyncio.sleep(0.5)  # its pipeline threads have started by now
        pid = children[0]
        lift_out_of_background(pid)
        threads = list(Path(f"/proc/{pid}/task").iterdir())
        assert all(os.sched_getscheduler(int(t.name)) == os.SCHED_OTHER for t in threads)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_background_child_runs_in_the_idle_cgroup(ffmpeg: str, priority):
    said = priority("background")
    cgroup = idle_cgroup()
    if cgroup is None:
        pytest.skip(NO_IDLE_CGROUP)
    assert said == f"encoders run in the background, in the idle cgroup {cgroup}"
    task = asyncio.ensure_future(run_ffmpeg(ffmpeg, SINE))
    try:
        children = await wait_for_ffmpeg_children()
        assert children
        assert str(children[0]) in (cgroup / "cgroup.procs").read_text().split()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_child_being_stopped_leaves_the_idle_cgroup(ffmpeg: str, priority):
    priority("background")
    cgroup = idle_cgroup()
    if cgroup is None:
        pytest.skip(NO_IDLE_CGROUP)
    if os.geteuid() != 0:
        pytest.skip("only root may move a process out of the idle cgroup")
    task = asyncio.ensure_future(run_ffmpeg(ffmpeg, SINE))
    try:
        (pid, *_) = await wait_for_ffmpeg_children()
        assert str(pid) in (cgroup / "cgroup.procs").read_text().split()
        lift_out_of_background(pid)
        assert str(pid) not in (cgroup / "cgroup.procs").read_text().split()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_the_priority_is_said_as_it_is_set(priority, tmp_path: Path):
    assert priority("normal") == "encoders run as batch work (encoder_priority normal)"
    unusable = tmp_path / "not-a-cgroup"  # no cgroup.procs appears in a plain folder
    assert priority("background", unusable) == (
        f"encoders run in the background as SCHED_IDLE (the cgroup {unusable} could not be used)"
    )


async def test_a_paused_child_stops_until_it_is_continued(ffmpeg: str):
    proc = await asyncio.create_subprocess_exec(
        ffmpeg, "-nostdin", "-v", "error", *SINE, start_new_session=True
    )
    try:
        pause_child(proc, True)
        assert is_paused(proc)
        assert await _state_becomes(proc.pid, "T")  # stopped
        pause_child(proc, False)
        assert not is_paused(proc)
        assert await _state_becomes(proc.pid, "SR")  # sleeping or running again
    finally:
        proc.kill()
        await proc.wait()
    pause_child(proc, True)  # a finished child is left be
    assert not is_paused(proc)


async def _state_becomes(pid: int, states: str, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] in states:
            return True
        await asyncio.sleep(0.02)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_children_die_with_a_killed_parent(tmp_path: Path, ffmpeg: str):
    script = tmp_path / "parent.py"
    script.write_text(
        "import asyncio, sys\n"
        "from aiom4b_tui.engine.ffmpeg.run import run_ffmpeg\n"
        "args = ['-re', '-f', 'lavfi', '-i', 'sine=d=60', '-f', 'null', '-']\n"
        "asyncio.run(run_ffmpeg(sys.argv[1], args))\n"
    )
    parent = subprocess.Popen(
        [sys.executable, str(script), ffmpeg],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        child = None
        for _ in range(100):
            time.sleep(0.05)
            child = next(iter(_children_of(parent.pid)), None)
            if child:
                break
        assert child, "the parent never started ffmpeg"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        for _ in range(40):
            if not Path(f"/proc/{child}").exists() or _is_zombie(child):
                break
            time.sleep(0.05)
        assert not Path(f"/proc/{child}").exists() or _is_zombie(child)
    finally:
        parent.kill()


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and "ffmpeg" in stat:
                found.append(int(entry.name))
    return found


def _is_zombie(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
