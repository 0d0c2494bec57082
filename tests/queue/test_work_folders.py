"""A job's work folder as the queue sees it: its name and marker, where it is (the job's
output folder, else the settings'), and its removal (the engine's, or one given)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.queue.work_folders import (
    WorkFolders,
    discard_work,
    job_output_dir,
    work_marker,
    work_name,
)
from aiom4b_tui.store.models import JobCreate
from aiom4b_tui.store.records import new_job_row


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(tmp_path / "data", output_dir=tmp_path / "out")


def _job(tmp_path: Path, output_dir: Path | None = None):
    folder = tmp_path / "Dune"
    folder.mkdir(exist_ok=True)
    return new_job_row(JobCreate(input_folders=[folder], options=JobOptions(output_dir=output_dir)))


def test_a_work_folder_is_named_by_the_job_id(tmp_path: Path):
    job = _job(tmp_path)
    assert work_name(job) == job.id.hex
    assert work_marker(job) == f".aiom4b-work-{job.id.hex}"


def test_it_lives_where_the_book_goes(tmp_path: Path, settings):
    assert job_output_dir(_job(tmp_path), settings) == settings.resolved_output_dir()
    assert job_output_dir(_job(tmp_path, tmp_path / "mine"), settings) == tmp_path / "mine"


def test_removing_it_takes_the_work_folder_and_nothing_else(tmp_path: Path, settings):
    job = _job(tmp_path, tmp_path / "mine")
    work = tmp_path / "mine" / work_marker(job)
    (work / "segments").mkdir(parents=True)
    (tmp_path / "mine" / "Dune.m4b").write_bytes(b"the book")
    WorkFolders(settings).remove(job)
    assert not work.exists() and (tmp_path / "mine" / "Dune.m4b").exists()
    discard_work(job, settings)  # gone already: nothing to do


def test_a_runner_may_remove_its_own_way(tmp_path: Path, settings):
    removed: list[tuple[Path, str]] = []
    job = _job(tmp_path)
    WorkFolders(settings, lambda out, name: removed.append((out, name))).remove(job)
    assert removed == [(settings.resolved_output_dir(), job.id.hex)]
