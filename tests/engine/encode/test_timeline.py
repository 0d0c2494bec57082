"""The decode pass: exact sample counts, growth, and a bounded lead over the encoders."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.timeline import DecodeError, Timeline
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.libc import LIBC
from tests.helpers.audio import make_tone
from tests.helpers.engine import cancel_ends_every_ffmpeg, ffmpeg_children

pytestmark = pytest.mark.integration


def sources(folder: Path, counts: list[int]) -> list[Path]:
    folder.mkdir()
    return [make_tone(folder / f"{i}.wav", 0, codec="wav", samples=c) for i, c in enumerate(counts)]


async def test_counts_are_exact_and_input_urls_cover_ranges(tmp_path: Path, ffmpeg: str):
    counts = [1000, 44100, 777]
    work = tmp_path / "work"
    work.mkdir()
    timeline = Timeline(work, 3, channels=2)
    await timeline.decode(
        sources(tmp_path / "src", counts), ffmpeg=ffmpeg, pool=FFmpegPool(2), rate=44100, channels=2
    )
    assert timeline.samples == counts and timeline.total == sum(counts)
    assert timeline.file_starts() == [0, 1000, 45100]
    assert timeline.input_url(10, 500) == "subfile,,start,80,end,4000,,:pcm-00000.raw"
    assert timeline.input_url(900, 45200) == (
        "concat:subfile,,start,7200,end,8000,,:pcm-00000.raw"
        "|subfile,,start,0,end,352800,,:pcm-00001.raw"
        "|subfile,,start,0,end,800,,:pcm-00002.raw"
    )
    with pytest.raises(ValueError):
        timeline.input_url(0, sum(counts) + 1)


async def until_stalled(timeline: Timeline, quiet: float = 0.5, limit: float = 30) -> None:
    """Wait until the decoded prefix has not grown for `quiet` seconds."""
    loop = asyncio.get_running_loop()
    deadline, seen, since = loop.time() + limit, -1, loop.time()
    while loop.time() < deadline and not timeline.complete:
        if timeline.decoded != seen:
            seen, since = timeline.decoded, loop.time()
        elif loop.time() - since >= quiet:
            return
        await asyncio.sleep(0.05)


async def until_paused(timeline: Timeline, limit: float = 30) -> None:
    """Wait until the decoder has been paused once (or decoding ended), then until stalled."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not timeline.pauses and not timeline.complete and loop.time() < deadline:
        await asyncio.sleep(0.02)
    await until_stalled(timeline)


async def test_decoder_waits_when_too_far_ahead(tmp_path: Path, ffmpeg: str):
    files = sources(tmp_path / "src", [44100] * 6)
    work = tmp_path / "work"
    work.mkdir()
    timeline = Timeline(work, 6, channels=1, max_ahead=2 * 44100)
    task = asyncio.ensure_future(
        timeline.decode(files, ffmpeg=ffmpeg, pool=FFmpegPool(2), rate=44100, channels=1)
    )
    await until_stalled(timeline)
    assert not task.done() and 2 * 44100 <= timeline.decoded < 6 * 44100
    assert timeline.finished[:2] == [True, True] and not timeline.finished[5]
    await timeline.release_before(3 * 44100)  # the encoders moved on
    await asyncio.wait_for(task, 10)
    assert timeline.complete
    assert not timeline.paths[0].exists() and not timeline.paths[1].exists()


async def test_one_long_source_is_paused_and_its_used_start_freed(tmp_path: Path, ffmpeg: str):
    rate = 44100
    (tmp_path / "src").mkdir()
    long_source = make_tone(tmp_path / "src" / "long.mp3", 300.0)
    work = tmp_path / "work"
    work.mkdir()
    timeline = Timeline(work, 1, channels=2, max_ahead=20 * rate)
    task = asyncio.ensure_future(
        timeline.decode([long_source], ffmpeg=ffmpeg, pool=FFmpegPool(1), rate=rate, channels=2)
    )
    await until_paused(timeline)
    assert not task.done() and timeline.pauses >= 1
    # Held back, not decoded whole (the lead is checked every 50 ms, so it may overshoot).
    assert timeline.decoded < 250 * rate
    position = 0
    while not task.done():  # encoders moving on, ten seconds at a time
        position += 10 * rate
        await timeline.release_before(position)
        await asyncio.sleep(0.02)
    await asyncio.wait_for(task, 30)
    assert timeline.total == 300 * rate
    pcm = timeline.paths[0]
    assert pcm.stat().st_size == 300 * rate * 8
    assert timeline.punched[0] > 0  # the used start was given back (see the next test)


async def test_the_used_start_of_a_pcm_file_is_punched_out(tmp_path: Path, ffmpeg: str):
    rate, seconds = 44100, 30
    (tmp_path / "src").mkdir()
    wav = make_tone(tmp_path / "src" / "a.wav", seconds, rate=rate, channels=1, codec="wav")
    work = tmp_path / "work"
    work.mkdir()
    timeline = Timeline(work, 1, channels=1)
    await timeline.decode([wav], ffmpeg=ffmpeg, pool=FFmpegPool(1), rate=rate, channels=1)
    pcm = timeline.paths[0]
    size = pcm.stat().st_size
    assert size == seconds * rate * timeline.frame_bytes
    await timeline.release_before(20 * rate)  # no segment needs the first 20 s any more
    used = 20 * rate * timeline.frame_bytes
    assert timeline.punched[0] == used // MIB * MIB  # whole MiB of it
    assert pcm.stat().st_size == size  # offsets stay: only the blocks go
    if not keeps_holes(tmp_path):
        pytest.skip("this file system keeps no holes: the freed blocks could not be seen")
    assert pcm.stat().st_blocks * 512 <= size - timeline.punched[0] + MIB


MIB = 1 << 20


def keeps_holes(folder: Path) -> bool:
    """Whether a hole punched in a file in `folder` frees its blocks (asked of the kernel
    directly, not through the code under test)."""
    if LIBC is None:
        return False
    probe = folder / "holes.probe"
    probe.write_bytes(bytes(4 * MIB))
    os.sync()
    before = probe.stat().st_blocks
    fd = os.open(probe, os.O_WRONLY)
    try:
        punched = LIBC.fallocate(fd, 0x01 | 0x02, 0, 2 * MIB) == 0  # KEEP_SIZE | PUNCH_HOLE
    finally:
        os.close(fd)
    after = probe.stat().st_blocks
    probe.unlink()
    return punched and after < before


async def test_undecodable_source_is_named(tmp_path: Path, ffmpeg: str):
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"\xff\xfb" + bytes(300))
    work = tmp_path / "work"
    work.mkdir()
    timeline = Timeline(work, 1, channels=2)
    with pytest.raises(DecodeError, match=r"bad\.mp3"):
        await timeline.decode([bad], ffmpeg=ffmpeg, pool=FFmpegPool(1), rate=44100, channels=2)
    with pytest.raises(DecodeError):
        await timeline.wait_for(10)


async def test_a_paused_decoder_is_cancelled_at_once(tmp_path: Path, ffmpeg: str):
    (tmp_path / "src").mkdir()
    long_source = make_tone(tmp_path / "src" / "long.mp3", 120.0)
    work = tmp_path / "work"
    work.mkdir()
    timeline = Timeline(work, 1, channels=2, max_ahead=5 * 44100)
    task = asyncio.ensure_future(
        timeline.decode([long_source], ffmpeg=ffmpeg, pool=FFmpegPool(1), rate=44100, channels=2)
    )
    await until_paused(timeline)
    assert timeline.pauses >= 1 and ffmpeg_children()  # stopped, not finished
    await cancel_ends_every_ffmpeg(task)


async def test_mp4_sources_end_where_their_edit_list_ends(tmp_path: Path, ffmpeg: str):
    # Debian's ffmpeg 5.1 decodes an MP4's AAC to the end of its last frame, up to 1,023
    # samples of padding past the edit list's end; the timeline stops at that end.
    from aiom4b_tui.engine.mp4.finish import played_samples

    folder = tmp_path / "src"
    folder.mkdir()
    made = [
        make_tone(folder / f"{i}.m4a", 0, codec="m4a", samples=c, freq=300 + 100 * i)
        for i, c in enumerate([44100 + 333, 2 * 44100 + 77])
    ]
    plays = [played_samples(path, 44100) for path in made]
    assert all(plays) and plays[0] % 1024 and plays[1] % 1024
    work = tmp_path / "work"
    work.mkdir()
    timeline = Timeline(work, 2, channels=2)
    await timeline.decode(made, ffmpeg=ffmpeg, pool=FFmpegPool(2), rate=44100, channels=2)
    assert timeline.samples == plays
    assert timeline.file_starts() == [0, plays[0]]
