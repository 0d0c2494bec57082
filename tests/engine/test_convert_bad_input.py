"""Bad input ends in a clear ScanError/ConversionError (or success), never a traceback or a loss."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from aiom4b_tui.engine.convert import convert_book
from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.failures import ConversionError
from aiom4b_tui.engine.ffmpeg.run import FFmpegNotFoundError, FFmpegPool, ffmpeg_encoders
from aiom4b_tui.engine.plan.plan import make_plan
from aiom4b_tui.engine.sources.scan import ScanError, scan_book
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.audio import make_tone
from tests.helpers.engine import (
    cancel_ends_every_ffmpeg,
    chapters_of,
    convert,
    wait_for_ffmpeg_children,
)

pytestmark = pytest.mark.integration


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


def book_of(folder: Path, count: int = 3, seconds: float = 1.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, count + 1):
        make_tone(folder / f"{n:02d}.mp3", seconds)
    return folder


async def test_empty_folder_and_folder_without_audio(tmp_path: Path, ffmpeg: str):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ScanError, match="empty"):
        await convert([empty], tmp_path / "out", ffmpeg)
    (empty / "readme.txt").write_text("hello")
    with pytest.raises(ScanError, match="no audio files"):
        await convert([empty], tmp_path / "out", ffmpeg)
    assert leftovers(tmp_path / "out") == []


async def test_zero_byte_and_random_bytes_are_named(tmp_path: Path, ffmpeg: str):
    book = book_of(tmp_path / "zero", 2)
    (book / "03.mp3").write_bytes(b"")
    with pytest.raises(ScanError, match=r"03\.mp3 is empty"):
        await convert([book], tmp_path / "out", ffmpeg)
    noise = book_of(tmp_path / "noise", 2)
    (noise / "03.mp3").write_bytes(os.urandom(50_000))
    with pytest.raises((ScanError, ConversionError), match=r"03\.mp3"):
        await convert([noise], tmp_path / "out", ffmpeg)
    assert leftovers(tmp_path / "out") == []


async def test_truncated_mp3_converts_what_decodes(tmp_path: Path, ffmpeg: str):
    # Chosen behaviour: a cut-off MP3 (an interrupted download) keeps the audio it has.
    book = book_of(tmp_path / "cut", 3, seconds=2.0)
    data = (book / "02.mp3").read_bytes()
    (book / "02.mp3").write_bytes(data[: len(data) // 2])
    out = await convert([book], tmp_path / "out", ffmpeg)
    starts = [s for s, _ in chapters_of(out)]
    assert len(starts) == 3
    assert 0.8 < starts[2] - starts[1] < 1.2  # about half of 2 s survived


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
async def test_unreadable_file_is_named(tmp_path: Path, ffmpeg: str):
    book = book_of(tmp_path / "locked", 2)
    (book / "02.mp3").chmod(0)
    with pytest.raises(ScanError, match=r"02\.mp3 cannot be read"):
        await convert([book], tmp_path / "out", ffmpeg)


@pytest.mark.parametrize("codec", ["mp3", "flac"])
async def test_file_vanishing_mid_job_fails_cleanly(tmp_path: Path, ffmpeg: str, codec: str):
    # MP3s are read by the encoders themselves; FLAC goes through the decode pass.
    book = tmp_path / "vanish"
    book.mkdir()
    for n in (1, 2, 3):
        make_tone(book / f"{n:02d}.{codec}", 1.0, codec=codec)
    out = tmp_path / "out"

    def on_log(line: str) -> None:
        if line.startswith(("decoded 01", "3 MP3 files")):
            (book / f"03.{codec}").unlink()

    with pytest.raises(ConversionError, match=rf"03\.{codec}"):
        await convert([book], out, ffmpeg, on_log=on_log, work_name="v")
    assert leftovers(out) == []


async def test_output_folder_that_cannot_be_written(tmp_path: Path, ffmpeg: str):
    book = book_of(tmp_path / "b", 1)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ConversionError, match="cannot write in the output folder"):
        await convert([book], blocker / "out", ffmpeg)
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        with pytest.raises(ConversionError, match="cannot write"):
            await convert([book], locked, ffmpeg)


@contextlib.contextmanager
def small_tmpfs(where: Path, size: str):
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


@pytest.mark.parametrize(
    ("codec", "seconds"),
    [("flac", 5.0), ("mp3", 45.0)],  # ~3.5 MB of float PCM; ~1.5 MB of AAC, twice
)
async def test_disk_full_is_a_clear_error_and_leaves_nothing(
    tmp_path: Path, ffmpeg: str, codec: str, seconds: float
):
    book = tmp_path / "big"
    book.mkdir()
    for n in (1, 2):
        make_tone(book / f"{n:02d}.{codec}", seconds, codec=codec)
    with small_tmpfs(tmp_path / "tiny", "1m") as tiny:
        with pytest.raises(ConversionError, match="disk is full"):
            await convert([book], tiny, ffmpeg)
        assert leftovers(tiny) == []


async def test_no_ffmpeg_is_a_clear_error(tmp_path: Path):
    book = book_of(tmp_path / "b", 1)
    with pytest.raises(FFmpegNotFoundError):
        await convert([book], tmp_path / "out", str(tmp_path / "no-such-ffmpeg"))
    assert leftovers(tmp_path / "out") == []


async def test_an_encoder_the_ffmpeg_lacks_is_a_clear_error(tmp_path: Path, ffmpeg: str):
    missing = next((e for e in ("libfdk_aac", "aac") if e not in ffmpeg_encoders(ffmpeg)), None)
    if missing is None:
        pytest.skip("this ffmpeg has both AAC encoders")
    book = book_of(tmp_path / "b", 1)
    options = JobOptions(encoder=missing)
    with pytest.raises(ConversionError, match=f"this ffmpeg has no {missing} encoder"):
        await convert([book], tmp_path / "out", ffmpeg, options=options)
    assert leftovers(tmp_path / "out") == []


async def test_cancel_ends_every_ffmpeg_and_keeps_the_work_folder(tmp_path: Path, ffmpeg: str):
    folder = tmp_path / "long"
    folder.mkdir()
    for n in (1, 2):
        make_tone(folder / f"{n}.mp3", 60.0)
    out = tmp_path / "out"
    started = asyncio.Event()

    def on_progress(p) -> None:
        if p.fraction > 0:
            started.set()

    task = asyncio.ensure_future(
        convert([folder], out, ffmpeg, on_progress=on_progress, work_name="c", segment_seconds=4)
    )
    await asyncio.wait_for(started.wait(), 30)
    assert await wait_for_ffmpeg_children()  # it really was running
    await cancel_ends_every_ffmpeg(task)
    # A cancel is a stop, not a failure: the next run resumes from the work folder.
    assert leftovers(out) == [".aiom4b-work-c"]
    assert (out / ".aiom4b-work-c" / "manifest.json").is_file()


async def test_a_failing_encoder_ends_the_job_even_while_decoding_waits(tmp_path, ffmpeg):
    # Many short segments: the decoder soon waits for the encoders, which all fail.
    book = tmp_path / "wavs"
    book.mkdir()
    for n in range(1, 9):
        make_tone(book / f"{n}.wav", 2.0, codec="wav")
    out = tmp_path / "out"
    plan = make_plan(scan_book([book]), JobOptions(), output_dir=out)
    # An encoder ffmpeg refuses once it runs (a job asking for it is refused up front).
    broken = replace(plan, encoder=replace(plan.encoder, codec="no_such_encoder"))
    pool = FFmpegPool(2)
    run = convert_book(broken, ConvertTask(ffmpeg, pool, work_name="t", segment_seconds=0.5))
    with pytest.raises(ConversionError, match="encoding segment"):
        await asyncio.wait_for(run, 30)
    assert leftovers(out) == []
