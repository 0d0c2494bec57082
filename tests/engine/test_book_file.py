"""The .m4b written in the work folder from the encoded audio: muxed by ffmpeg (or
already muxed while encoding), with exact timing, the plan's chapters, tags and cover."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from aiom4b_tui.engine.book_file import BOOK_NAME, cover_bytes, write_book_file
from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.encode.encoded import EncodedBook
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.mp4.adts_writer import AdtsMp4Writer
from aiom4b_tui.engine.mp4.chapters import chapter_starts_in_units
from aiom4b_tui.engine.mp4.finish import file_brand, played_samples
from tests.helpers.audio import make_image, make_tone
from tests.helpers.book_plan import a_plan, stand_in_sources
from tests.helpers.mp4_probe import decoded_samples

pytestmark = pytest.mark.integration

RATE = 44100
SAMPLES = 3 * RATE + 333
STARTS = [0, RATE, 2 * RATE + 17]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A work folder holding the book's ADTS stream (mono AAC, SAMPLES samples)."""
    folder = tmp_path / ".aiom4b-work-t"
    folder.mkdir()
    make_tone(folder / "audio.aac", 0, rate=RATE, channels=1, codec="aac", samples=SAMPLES)
    return folder


def plan_for(tmp_path: Path, **changes):
    plan = a_plan(stand_in_sources(tmp_path / "book"))  # three chapters: 01.mp3, 02.mp3, 03.mp3
    return dataclasses.replace(plan, tags={"title": "The Book", "author": "Ann"}, **changes)


async def test_ffmpeg_muxes_the_stream_and_the_book_gets_chapters_and_tags(
    tmp_path: Path, work: Path, ffmpeg: str
):
    book = EncodedBook("audio.aac", [0], SAMPLES, 1024, RATE)
    task = ConvertTask(ffmpeg, FFmpegPool(1), "t")
    result = await write_book_file(task, plan_for(tmp_path), book, STARTS, work)
    assert result == work / BOOK_NAME
    assert file_brand(result) == b"M4B " and played_samples(result) == SAMPLES
    assert decoded_samples(result, 1) == SAMPLES
    timescale, found = chapter_starts_in_units(result)
    assert timescale == RATE and found == list(
        zip(STARTS, ["01.mp3", "02.mp3", "03.mp3"], strict=True)
    )
    tags = MP4(result).tags
    assert tags["©nam"] == ["The Book"] and tags["©ART"] == ["Ann"] and "covr" not in tags
    assert not (work / "audio.m4a").exists()  # ffmpeg's MP4 became the book


async def test_a_stream_muxed_while_it_was_encoded_is_finished_without_ffmpeg(
    tmp_path: Path, work: Path
):
    muxed = work / "audio.m4a"
    writer = AdtsMp4Writer(muxed)
    writer.append((work / "audio.aac").read_bytes())
    writer.close()
    (work / "audio.aac").unlink()  # not read again
    book = EncodedBook("audio.aac", [0], SAMPLES, 1024, RATE, mp4=muxed)
    task = ConvertTask(str(tmp_path / "no-ffmpeg-here"), FFmpegPool(1), "t")
    result = await write_book_file(task, plan_for(tmp_path), book, STARTS, work)
    assert played_samples(result) == SAMPLES and not muxed.exists()
    assert [s for s, _t in chapter_starts_in_units(result)[1]] == STARTS


async def test_the_chosen_cover_goes_in_and_a_copy_stays_in_the_work_folder(
    tmp_path: Path, work: Path, ffmpeg: str
):
    image = make_image(tmp_path / "front.png", "blue")
    book = EncodedBook("audio.aac", [0], SAMPLES, 1024, RATE)
    plan = plan_for(tmp_path, cover=image)
    result = await write_book_file(
        ConvertTask(ffmpeg, FFmpegPool(1), "t"), plan, book, STARTS, work
    )
    covers = MP4(result).tags["covr"]
    assert len(covers) == 1 and bytes(covers[0]) == image.read_bytes()
    assert (work / "cover.png").read_bytes() == image.read_bytes()


def test_no_cover_chosen_and_no_picture_in_the_sources_is_no_cover(tmp_path: Path):
    assert cover_bytes(plan_for(tmp_path), tmp_path) is None
    gone = plan_for(tmp_path, cover=tmp_path / "deleted.jpg")  # gone since the plan
    assert cover_bytes(gone, tmp_path) is None
