"""What the runner hands a job to: the engine's task built from the job's run (the
settings' ffmpeg on the runner's pool, its work kept once placed, progress and stages
reported), the default executor on a real job, and the runner's pool."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from aiom4b_tui.config.settings import Settings
from aiom4b_tui.engine.failures import ConversionError
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.progress import ConvertProgress
from aiom4b_tui.engine.work.folder import work_dir_for
from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.queue.execute import JobRun, convert_job, convert_task, make_pool, progress_reporter
from aiom4b_tui.queue.ffmpeg_slots import BookPool
from aiom4b_tui.store.models import JobCreate, JobDB
from tests.helpers.audio import make_tone
from tests.helpers.workers import open_service


class Reports:
    """What a run is told: progress, stages and log lines."""

    def __init__(self) -> None:
        self.progress: list[tuple[float, float | None, float | None]] = []
        self.stages: list[str] = []
        self.lines: list[str] = []

    def run(
        self, job, settings, pool: FFmpegPool, work_name: str = "w1", *, stages: bool = True
    ) -> JobRun:
        return JobRun(
            job=job,
            settings=settings,
            pool=pool,
            work_name=work_name,
            report_progress=lambda f, s=None, e=None: self.progress.append((f, s, e)),
            log=self.lines.append,
            note_stage=self.stages.append if stages else None,
        )


def fake_ffmpeg(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_the_task_is_the_settings_ffmpeg_on_the_runners_pool_keeping_its_work(tmp_path: Path):
    ffmpeg = fake_ffmpeg(tmp_path / "my-ffmpeg")
    settings, db, service = open_service(tmp_path / "data", ffmpeg=str(ffmpeg))
    (tmp_path / "Book").mkdir()
    job = service.create_job(JobCreate(input_folders=[tmp_path / "Book"]))
    reports, pool = Reports(), FFmpegPool(2)
    task = convert_task(reports.run(job, settings, pool, work_name="abc"))
    assert (task.ffmpeg, task.pool, task.work_name) == (str(ffmpeg), pool, "abc")
    assert task.keep_work and task.segment_seconds is None
    task.log("a line")
    assert reports.lines == ["a line"]
    db.close()


def test_progress_goes_on_each_time_and_each_new_stage_once(tmp_path: Path):
    reports = Reports()
    report = progress_reporter(reports.run(None, None, FFmpegPool(1)))
    report(ConvertProgress(0.1, None, None, "encoding"))
    report(ConvertProgress(0.5, 2.0, 30.0, "encoding"))
    report(ConvertProgress(0.97, None, None, "tagging"))
    report(ConvertProgress(1.0, None, 0.0, "done"))
    assert reports.progress == [
        (0.1, None, None),
        (0.5, 2.0, 30.0),
        (0.97, None, None),
        (1.0, None, 0.0),
    ]
    assert reports.stages == ["encoding", "tagging", "done"]


def test_a_run_without_a_stage_listener_reports_progress_alone():
    reports = Reports()
    report = progress_reporter(reports.run(None, None, FFmpegPool(1), stages=False))
    report(ConvertProgress(0.3, None, None, "encoding"))
    assert reports.progress == [(0.3, None, None)] and reports.stages == []


def test_the_runners_pool_serves_the_oldest_book_first_at_the_settings_size(tmp_path: Path):
    settings, db, _service = open_service(tmp_path / "data", ffmpeg_processes=3)
    assert isinstance(make_pool(settings), BookPool) and make_pool(settings).size == 3
    assert make_pool(settings, 1).size == 1
    db.close()


def queued_book(tmp_path: Path, ffmpeg: str, options: JobOptions) -> tuple[Settings, JobDB]:
    """The settings (the real ffmpeg) and the queued job of a one-file book "Tiny"."""
    settings, db, service = open_service(tmp_path / "data", ffmpeg=ffmpeg)
    book = tmp_path / "Book"
    book.mkdir()
    make_tone(book / "1.mp3", 1.0, rate=22050, channels=1, tags={"album": "Tiny"})
    job = service.create_job(JobCreate(input_folders=[book], options=options))
    db.close()
    return settings, job


@pytest.mark.integration
async def test_a_job_is_planned_converted_and_its_work_kept_once_placed(
    tmp_path: Path, ffmpeg: str
):
    out = tmp_path / "out"
    settings, job = queued_book(tmp_path, ffmpeg, JobOptions(output_dir=out))
    reports = Reports()
    placed = await convert_job(reports.run(job, settings, make_pool(settings, 1)))
    assert placed == out / "Tiny.m4b" and placed.is_file()
    assert reports.stages == ["encoding", "tagging", "done"]
    assert reports.progress[-1] == (1.0, None, 0.0)
    assert reports.lines[-1].startswith("done in ")
    manifest = json.loads((work_dir_for(out, "w1") / "manifest.json").read_text())
    assert manifest["placed"]["path"] == str(placed)  # the runner removes it after the end


@pytest.mark.integration
async def test_a_chapter_file_that_cannot_be_read_fails_the_job_with_its_name(
    tmp_path: Path, ffmpeg: str
):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    options = JobOptions(output_dir=tmp_path / "out", chapters_file=bad)
    settings, job = queued_book(tmp_path, ffmpeg, options)
    with pytest.raises(ConversionError, match=r"bad\.json: not JSON"):
        await convert_job(Reports().run(job, settings, make_pool(settings, 1)))
