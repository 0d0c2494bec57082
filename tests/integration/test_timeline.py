"""The decode pass: exact sample counts, growth, and a bounded lead over the encoders."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from audio_factory import make_tone

from aiom4b_tui.core.ffmpeg import FFmpegPool
from aiom4b_tui.core.timeline import DecodeError, Timeline

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


async def test_decoder_waits_when_too_far_ahead(tmp_path: Path, ffmpeg: str):
    files = sources(tmp_path / "src", [44100] * 6)
    work = tmp_path / "work"
    work.mkdir()
    timeline = Timeline(work, 6, channels=1, max_ahead=2 * 44100)
    task = asyncio.ensure_future(
        timeline.decode(files, ffmpeg=ffmpeg, pool=FFmpegPool(2), rate=44100, channels=1)
    )
    deadline = asyncio.get_running_loop().time() + 30
    while not all(timeline.finished[:3]) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # time enough to decode another second, were it allowed to
    assert not task.done() and timeline.finished == [True, True, True, False, False, False]
    await timeline.release_before(3 * 44100)  # the encoders moved on
    await asyncio.wait_for(task, 10)
    assert timeline.complete
    assert not timeline.paths[0].exists() and not timeline.paths[1].exists()


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
