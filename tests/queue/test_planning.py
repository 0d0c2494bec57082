"""A job's plan as the worker makes it, which every client previews: the settings'
defaults filled in, the settings' ffmpeg and its encoders (none found: the plan is
still made), the folders scanned and planned, silences planned again from that scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.engine.chapters.edit import Silence
from aiom4b_tui.engine.sources.scan import ScanError
from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.queue.planning import (
    NO_FFMPEG_ENCODERS,
    ffmpeg_and_encoders,
    options_with_defaults,
    plan_for_job,
)
from tests.helpers.audio import make_tone


def test_the_settings_fill_in_the_output_folder_and_bitrate(tmp_path: Path):
    settings = load_settings(tmp_path / "data", output_dir=tmp_path / "books", bitrate=64_000)
    filled = options_with_defaults(JobOptions(), settings)
    assert filled.output_dir == tmp_path / "books" and filled.bitrate == 64_000
    own = JobOptions(output_dir=tmp_path / "mine", bitrate=96_000)
    assert options_with_defaults(own, settings) is own  # the job's own choices stand


def test_without_an_output_folder_setting_books_go_to_the_data_dirs(tmp_path: Path):
    settings = load_settings(tmp_path / "data")
    filled = options_with_defaults(JobOptions(), settings)
    assert filled.output_dir == settings.resolved_output_dir() and filled.bitrate is None


def test_no_ffmpeg_to_be_found_still_plans_for_aac(tmp_path: Path):
    settings = load_settings(tmp_path / "data", ffmpeg=str(tmp_path / "no-ffmpeg"))
    assert ffmpeg_and_encoders(settings) == (None, NO_FFMPEG_ENCODERS)


@pytest.mark.integration
def test_the_settings_ffmpeg_and_its_encoders(tmp_path: Path, ffmpeg: str):
    settings = load_settings(tmp_path / "data", ffmpeg=ffmpeg)
    found, encoders = ffmpeg_and_encoders(settings)
    assert found == ffmpeg and "aac" in encoders


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "Book"
    folder.mkdir()
    make_tone(folder / "1.mp3", 4.0, rate=22050, channels=1, tags={"album": "Planned"})
    (folder / "notes.txt").write_text("not audio")
    return folder


@pytest.mark.integration
def test_a_job_is_planned_with_the_settings_defaults(tmp_path: Path, ffmpeg: str, book: Path):
    settings = load_settings(tmp_path / "data", ffmpeg=ffmpeg, output_dir=tmp_path / "books")
    planned = plan_for_job([book], JobOptions(), settings)
    assert planned.plan.output_path == tmp_path / "books" / "Planned.m4b"
    assert planned.options.output_dir == tmp_path / "books"
    assert (planned.ffmpeg, "aac" in planned.encoders) == (ffmpeg, True)
    assert [f.rel for f in planned.scan.files] == ["1.mp3"]
    assert [p.name for p, _why in planned.scan.skipped] == ["notes.txt"]
    assert planned.notes == [] and not planned.wants_silences


@pytest.mark.integration
def test_silences_are_planned_again_from_the_same_scan(tmp_path: Path, ffmpeg: str, book: Path):
    settings = load_settings(tmp_path / "data", ffmpeg=ffmpeg)
    options = JobOptions(chapters_by_silence=True)
    planned = plan_for_job([book], options, settings)
    assert planned.wants_silences and len(planned.plan.chapters) == 1
    again = planned.with_silences([Silence(0, 1.9, 2.1)])
    assert [round(c.offset, 1) for c in again.plan.chapters] == [0.0, 2.0]
    assert again.scan is planned.scan and again.options is planned.options
    assert plan_for_job([book], JobOptions(max_chapter_minutes=30), settings).wants_silences


def test_folders_that_cannot_make_a_book_are_a_scan_error(tmp_path: Path):
    settings = load_settings(tmp_path / "data", ffmpeg=str(tmp_path / "no-ffmpeg"))
    (tmp_path / "Empty").mkdir()
    with pytest.raises(ScanError):
        plan_for_job([tmp_path / "Empty"], JobOptions(), settings)
