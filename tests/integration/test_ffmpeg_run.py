"""run_ffmpeg with the real binary: progress, stdin, errors, cancel."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from engine_helpers import ffmpeg_children

from aiom4b_tui.core.ffmpeg import FFmpegError, ffmpeg_encoders, run_ffmpeg

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
    await asyncio.sleep(0.5)
    assert ffmpeg_children()
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 2.0
    assert ffmpeg_children() == []


def test_encoders_are_listed(ffmpeg: str):
    encoders = ffmpeg_encoders(ffmpeg)
    assert "aac" in encoders and "libmp3lame" in encoders
