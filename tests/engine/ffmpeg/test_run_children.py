"""run_ffmpeg with the real binary: progress, stdin, errors, cancel."""

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
from aiom4b_tui.engine.ffmpeg.process import lift_out_of_background, set_encoder_priority
from aiom4b_tui.engine.ffmpeg.run import FFmpegError, ffmpeg_encoders, run_ffmpeg
from tests.helpers.engine import cancel_ends_every_ffmpeg, wait_for_ffmpeg_children

pytestmark = pytest.mark.integration


async def test_progress_is_reported_in_seconds_of_output(tmp_path: Path, ffmpeg: str):
    seen: list[float] = []
    out = tmp_path / "t.wav"
    await run_ffmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=3", str(out)], on_progress=seen.append)
    assert out.stat().st_size > 0
    assert seen and abs(seen[-1] - 3.0) < 0.1


async def test_stdin_is_fed_and_cwd_used(tmp_path: Path, ffmpeg: str):
    async def pcm():
        for _ in range(10):
            yield bytes(4410 * 2)

    args = ["-f", "s16le", "-ar", "44100", "-ac", "1", "-i", "pipe:0", "fed.wav"]
    await run_ffmpeg(ffmpeg, args, stdin=pcm(), cwd=tmp_path)
    assert (tmp_path / "fed.wav").stat().st_size == 44100 * 2 + 78


async def test_failure_carries_the_reason(tmp_path: Path, ffmpeg: str):
    with pytest.raises(FFmpegError, match="reading nothing failed") as caught:
        await run_ffmpeg(
            ffmpeg, ["-i", str(tmp_path / "nothing.mp3"), "-f", "null", "-"], what="reading nothing"
        )
    assert caught.value.returncode != 0
    assert "nothing.mp3" in caught.value.stderr_tail


async def test_cancel_kills_the_child_quickly(ffmpeg: str):
    task = asyncio.ensure_future(
        run_ffmpeg(ffmpeg, ["-re", "-f", "lavfi", "-i", "sine=d=60", "-f", "null", "-"])
    )
    assert await wait_for_ffmpeg_children()
    await cancel_ends_every_ffmpeg(task)


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
    said = priority(setting)
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
        cgroup = idle_cgroup() if setting == "background" else None
        if cgroup is not None:  # where this machine lets us make one (root)
            assert str(cgroup) in said
            assert str(children[0]) in (cgroup / "cgroup.procs").read_text().split()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may lift a thread out of SCHED_IDLE")
async def test_a_child_being_stopped_is_lifted_out_of_the_background(ffmpeg: str, priority):
    said = priority("background")
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
        if "idle cgroup" in said and "no idle cgroup" not in said:
            cgroup = idle_cgroup()
            assert cgroup is not None
            assert str(pid) not in (cgroup / "cgroup.procs").read_text().split()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_encoders_are_listed(ffmpeg: str):
    encoders = ffmpeg_encoders(ffmpeg)
    assert "aac" in encoders and "libmp3lame" in encoders


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
        cwd=Path.cwd(),
        env={**os.environ, "PYTHONPATH": str(Path.cwd())},
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
