"""Carry out a plan: the task goes through every stage, its log says what is done and
its progress ends "done"; the work folder goes unless the task keeps it; a book to
encode with an encoder the ffmpeg lacks fails before any work. (The features, the bad
inputs, exactness, gaplessness and resuming have files of their own: test_convert_*.)"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from aiom4b_tui.engine.convert import book_silences, check_encoder, convert_book, log_skipped
from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.failures import ConversionError
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.progress import ConvertProgress
from aiom4b_tui.engine.sources.scan import BookScan
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.audio import make_tone
from tests.helpers.book_plan import a_plan, stand_in_sources
from tests.helpers.chapter_audio import make_onsets
from tests.helpers.engine import convert, plan_of


def test_an_encoder_the_ffmpeg_lacks_fails_before_any_work(tmp_path: Path):
    plan = a_plan(stand_in_sources(tmp_path / "book"))  # encodes with aac
    with pytest.raises(ConversionError, match="this ffmpeg has no aac encoder: /opt/ffmpeg"):
        check_encoder(plan, frozenset({"libmp3lame"}), "/opt/ffmpeg")
    check_encoder(plan, frozenset({"aac"}), "/opt/ffmpeg")
    check_encoder(plan, frozenset(), "/opt/ffmpeg")  # encoders unknown: ffmpeg will say
    check_encoder(dataclasses.replace(plan, copy=True), frozenset({"flac"}), "/opt/ffmpeg")


def test_each_skipped_file_is_one_log_line_saying_why(tmp_path: Path):
    scan = BookScan([tmp_path], [], [(tmp_path / "notes.txt", "not audio (text)")], None)
    lines: list[str] = []
    log_skipped(scan, lines.append)
    assert lines == ["skipped notes.txt: not audio (text)"]


@pytest.mark.integration
async def test_a_book_is_made_placed_and_its_work_folder_removed(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Short Book"
    book.mkdir()
    make_tone(book / "1.mp3", 1.0, rate=22050, channels=1, tags={"album": "Short"})
    (book / "notes.txt").write_text("not audio")
    logs: list[str] = []
    progress: list[ConvertProgress] = []
    out = tmp_path / "out"
    options = JobOptions(bitrate=32_000)
    placed = await convert([book], out, ffmpeg, options=options, logs=logs, progress=progress)
    assert placed == out / "Short.m4b" and MP4(placed).info.length > 0.9
    assert logs[0] == "skipped notes.txt: not audio"
    assert "Short: 1 files, encoding aac 32k 22050 Hz mono" in logs
    assert logs[-1].startswith("done in ") and logs[-1].endswith(f": {placed}")
    stages = [p.stage for p in progress]
    assert stages.index("tagging") < stages.index("done") == len(stages) - 1
    assert progress[-1] == ConvertProgress(1.0, None, 0.0, "done")
    assert sorted(p.name for p in out.iterdir()) == ["Short.m4b"]  # no work folder left


@pytest.mark.integration
async def test_a_task_that_keeps_its_work_records_where_the_book_went(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Book"
    book.mkdir()
    make_tone(book / "1.flac", 1.0, rate=22050, channels=1, codec="flac")
    plan = plan_of(book, tmp_path / "out")
    task = ConvertTask(ffmpeg, FFmpegPool(1), "kept", keep_work=True)
    placed = await convert_book(plan, task)
    manifest = json.loads((task.work_dir(plan.output_folder) / "manifest.json").read_text())
    assert manifest["placed"]["path"] == str(placed)


@pytest.mark.integration
async def test_the_silences_of_the_books_files_are_found_on_the_tasks_pool(
    tmp_path: Path, ffmpeg: str
):
    # A burst at 0 s and at 3 s: silence from 0.4 s to 3 s and after 3.4 s.
    source = make_onsets(tmp_path / "a.flac", [0.0, 3.0], 6.0)
    plan = plan_of(tmp_path, tmp_path / "out")
    lines: list[str] = []
    task = ConvertTask(ffmpeg, FFmpegPool(2), "t", on_log=lines.append)
    options = JobOptions(chapters_by_silence=True, silence_seconds=1.0)
    silences = await book_silences(plan.files, options, task)
    assert [(s.file_index, round(s.start, 1), round(s.end, 1)) for s in silences][:1] == [
        (0, 0.4, 3.0)
    ]
    assert len(silences) == 2 and lines == ["2 silences of 1 s or more"]
    assert plan.files[0].path == source
