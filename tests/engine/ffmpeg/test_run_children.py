"""run_ffmpeg with the real binary: progress, stdin, errors, cancel; the encoders listed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from aiom4b_tui.engine.ffmpeg.run import FFmpegError, ffmpeg_encoders, run_ffmpeg
from tests.helpers.audio import FFMPEG_WAV_HEADER
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
    assert (tmp_path / "fed.wav").stat().st_size == 44100 * 2 + FFMPEG_WAV_HEADER


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


def test_encoders_are_listed(ffmpeg: str):
    encoders = ffmpeg_encoders(ffmpeg)
    assert "aac" in encoders and "libmp3lame" in encoders
