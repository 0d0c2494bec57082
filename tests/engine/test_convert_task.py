"""The task a caller hands the engine: its log and progress go where the caller said
(nowhere when it said nothing), and its work folder sits beside the book."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.progress import ConvertProgress


def test_log_lines_and_progress_go_to_the_callers_callbacks():
    lines: list[str] = []
    reports: list[ConvertProgress] = []
    task = ConvertTask(
        "ffmpeg", FFmpegPool(1), "j1", on_progress=reports.append, on_log=lines.append
    )
    task.log("scanning")
    done = ConvertProgress(1.0, None, 0.0, "done")
    task.report(done)
    assert lines == ["scanning"] and reports == [done]


def test_without_callbacks_news_is_dropped_and_the_defaults_hold():
    task = ConvertTask("ffmpeg", FFmpegPool(1), "j1")
    task.log("nobody hears this")
    task.report(ConvertProgress(0.5, None, None, "encoding"))
    assert task.segment_seconds is None and task.keep_work is False


def test_the_work_folder_is_beside_the_book_and_named_after_the_work_name(tmp_path: Path):
    task = ConvertTask("ffmpeg", FFmpegPool(1), "0f3a")
    assert task.work_dir(tmp_path) == tmp_path / ".aiom4b-work-0f3a"


def test_a_task_does_not_change_on_its_way_through_the_stages():
    task = ConvertTask("ffmpeg", FFmpegPool(1), "j1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.keep_work = True  # type: ignore[misc]
