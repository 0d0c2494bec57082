"""The inbox's memory (store/watched_folders.py, reached through JobService): a folder
becomes a job once, on each back end in turn."""

from __future__ import annotations

from aiom4b_tui.store.models import JobCreate, JobStatus
from tests.helpers.workers import (
    add_book_folder,
    service_on_each_back_end,  # noqa: F401 (the fixture)
)


def test_watched_job_is_created_once_per_folder(service, tmp_path):
    folder = add_book_folder(tmp_path, "inbox/Dune")
    first = service.create_watched_job(str(folder), JobCreate(input_folders=[folder]))
    second = service.create_watched_job(str(folder), JobCreate(input_folders=[folder]))
    assert first is not None and first.status is JobStatus.QUEUED
    assert second is None
    assert service.watched_folder_known(str(folder))
    assert len(service.get_jobs()) == 1


def test_watched_folders_are_remembered(service, tmp_path):
    book = add_book_folder(tmp_path, "Some Book")
    assert service.watched_folder_known(str(book)) is False
    assert service.remember_watched_folder(str(book), None) is True
    assert service.remember_watched_folder(str(book), None) is False
    assert service.watched_folder_known(str(book)) is True
