"""ffmpeg going wrong: a stall, a wrapper's children, bytes that are not UTF-8, a work
folder gone (fake ffmpegs are shell scripts; the book test runs the real one inside)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from aiom4b_tui.engine.ffmpeg.run import FFmpegError, FFmpegNotFoundError, run_ffmpeg, stall_limit
from tests.helpers.audio import FFMPEG_WAV_HEADER, make_tone

pytestmark = pytest.mark.integration


def script(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def processes_with(marker: str) -> list[int]:
    """Pids whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(int(entry.name))
    return found


def wait_until_gone(marker: str, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not processes_with(marker):
            return True
        time.sleep(0.1)
    return False


def stalling_ffmpeg(tmp_path: Path, real: str) -> tuple[str, str]:
    """A wrapper that answers -encoders with the real ffmpeg, and otherwise starts a
    child that never makes progress (and waits for it, as wrappers do)."""
    marker = f"{1000 + uuid.uuid4().int % 1000}.{os.getpid()}"
    body = f'case "$*" in *-encoders*) exec {real} "$@";; esac\nsleep {marker} &\nwait\n'
    return script(tmp_path / "stalling-ffmpeg", body), marker


async def test_a_stalled_child_fails_with_a_reason_and_its_children_die(tmp_path, ffmpeg):
    fake, marker = stalling_ffmpeg(tmp_path, ffmpeg)
    started = time.monotonic()
    with pytest.raises(FFmpegError) as caught:
        await run_ffmpeg(fake, ["x"], what="encoding segment 3", stall_seconds=1.5)
    assert str(caught.value) == "ffmpeg stalled: no progress for 2 s (encoding segment 3)"
    assert time.monotonic() - started < 30
    assert wait_until_gone(marker), "the wrapper's child outlived the stall"


async def test_cancel_stops_a_wrappers_children(tmp_path, ffmpeg):
    fake, marker = stalling_ffmpeg(tmp_path, ffmpeg)
    task = asyncio.ensure_future(run_ffmpeg(fake, ["x"], stall_seconds=600))
    deadline = time.monotonic() + 10
    while not processes_with(marker) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert processes_with(marker)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert wait_until_gone(marker)


async def test_a_child_waiting_on_its_stdin_is_not_stalled(tmp_path, ffmpeg):
    async def slow_source():
        for _ in range(4):
            await asyncio.sleep(0.6)  # we are slow, not ffmpeg
            yield bytes(8000)

    args = ["-f", "s16le", "-ar", "8000", "-ac", "1", "-i", "pipe:0", str(tmp_path / "o.wav")]
    await run_ffmpeg(ffmpeg, args, stdin=slow_source(), stall_seconds=0.5)
    # Every byte fed is in the file (4 × 8000 bytes of PCM), after ffmpeg's WAV header.
    assert (tmp_path / "o.wav").stat().st_size == 4 * 8000 + FFMPEG_WAV_HEADER


def test_the_default_stall_time_grows_with_the_work(monkeypatch):
    monkeypatch.delenv("AIOM4B_FFMPEG_STALL_SECONDS", raising=False)
    assert stall_limit(None, None) == 60
    assert stall_limit(None, 600) == 90
    assert stall_limit(None, 10**9) == 660
    assert stall_limit(5, 600) == 5
    monkeypatch.setenv("AIOM4B_FFMPEG_STALL_SECONDS", "3")
    assert stall_limit(None, None) == 3


async def test_stderr_that_is_not_utf8_is_shown_not_raised(tmp_path):
    fake = script(tmp_path / "bad-bytes", "printf 'bad \\377\\376 bytes\\n' >&2\nexit 1\n")
    with pytest.raises(FFmpegError) as caught:
        await run_ffmpeg(fake, [], what="reading x")
    assert str(caught.value) == "reading x failed: bad \ufffd\ufffd bytes"


async def test_a_vanished_work_folder_is_said_so(tmp_path, ffmpeg):
    gone = tmp_path / "work"
    with pytest.raises(FFmpegError, match=r"the work folder .*work vanished") as caught:
        await run_ffmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=1", "o.wav"], cwd=gone)
    assert not isinstance(caught.value, FFmpegNotFoundError)
    with pytest.raises(FFmpegNotFoundError, match="could not be started"):
        await run_ffmpeg(str(tmp_path / "no-ffmpeg"), [], cwd=tmp_path)


@pytest.mark.timeout(180)
def test_a_book_whose_ffmpeg_stalls_fails_with_the_reason(tmp_path, ffmpeg, data_dir):
    book = tmp_path / "Book"
    book.mkdir()
    make_tone(book / "01.mp3", 2.0)
    fake, marker = stalling_ffmpeg(tmp_path, ffmpeg)
    env = {**os.environ, "AIOM4B_FFMPEG": fake, "AIOM4B_FFMPEG_STALL_SECONDS": "2"}
    cmd = [sys.executable, "-m", "aiom4b_tui", "convert", str(book), "--output-dir", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=150, check=False)
    assert done.returncode == 1
    assert "ffmpeg stalled: no progress for 2 s" in done.stderr
    assert wait_until_gone(marker)
    assert list(tmp_path.glob("*.m4b")) == []
