"""Finding ffmpeg and sharing it: lookup order, clear errors, the pool's limit."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from aiom4b_tui.engine.ffmpeg import run as ff
from aiom4b_tui.engine.ffmpeg.run import FFmpegNotFoundError, FFmpegPool, find_ffmpeg


def fake_exe(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_configured_wins_over_path(tmp_path: Path, monkeypatch):
    mine = fake_exe(tmp_path / "my-ffmpeg")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake_exe(bindir / "ffmpeg")
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.delenv("AIOM4B_FFMPEG", raising=False)
    assert find_ffmpeg(str(mine)) == str(mine)
    assert find_ffmpeg() == str(bindir / "ffmpeg")
    monkeypatch.setenv("AIOM4B_FFMPEG", str(mine))
    assert find_ffmpeg() == str(mine)


def test_bad_configured_value_is_a_clear_error(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("AIOM4B_FFMPEG", raising=False)
    with pytest.raises(FFmpegNotFoundError, match="does not exist"):
        find_ffmpeg(str(tmp_path / "nothing-here"))


@pytest.mark.integration  # the bundled binary is run to be found
def test_imageio_binary_is_the_last_resort_and_none_is_clear(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("AIOM4B_FFMPEG", raising=False)
    bundled = find_ffmpeg()
    assert "imageio_ffmpeg" in bundled and os.access(bundled, os.X_OK)
    import imageio_ffmpeg

    def no_binary() -> str:
        raise RuntimeError("no binary")

    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", no_binary)
    with pytest.raises(FFmpegNotFoundError, match="AIOM4B_FFMPEG"):
        find_ffmpeg()


async def test_pool_never_runs_more_than_its_size():
    pool = FFmpegPool(2)
    running = peak = 0

    async def job() -> None:
        nonlocal running, peak
        async with pool.slot():
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.01)
            running -= 1

    await asyncio.gather(*(job() for _ in range(7)))
    assert peak == 2
    assert FFmpegPool().size == (os.cpu_count() or 1)


async def test_a_pool_of_one_slot_per_cpu_pins_each_slot_to_its_own_cpu():
    usable = sorted(os.sched_getaffinity(0))
    if len(usable) < 2:
        pytest.skip("this process may use one CPU only: no slots to spread over CPUs")
    pool = FFmpegPool(len(usable))
    held: list[frozenset[int] | None] = []

    async def job() -> None:
        async with pool.slot() as cpus:
            held.append(cpus)
            await asyncio.sleep(0.01)

    await asyncio.gather(*(job() for _ in range(len(usable))))
    assert sorted(next(iter(c)) for c in held if c) == usable
    more = FFmpegPool(len(usable) + 1).cpus  # more slots than CPUs: round them again
    assert more is not None and [next(iter(c)) for c in more] == [*usable, usable[0]]
    assert FFmpegPool(1).cpus is None  # one ffmpeg may use every core
    assert FFmpegPool(len(usable), pin=False).cpus is None


def test_on_one_cpu_nothing_is_pinned(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {3})
    assert FFmpegPool(1).cpus is None and FFmpegPool(2).cpus is None


def test_more_slots_than_cpus_go_round_the_cpus_this_process_may_use(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {5, 1, 3})
    assert FFmpegPool(4).cpus == [frozenset({1}), frozenset({3}), frozenset({5}), frozenset({1})]


async def test_missing_binary_at_run_time_is_ffmpeg_not_found(tmp_path: Path):
    with pytest.raises(FFmpegNotFoundError):
        await ff.run_ffmpeg(str(tmp_path / "gone"), ["-version"])
