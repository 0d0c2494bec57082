"""The whole way through the UI with the real engine, queue, ffmpeg and SQLite: mark, add,
confirm, watch it convert, find the .m4b; cancel a running book; quit and requeue."""

from __future__ import annotations

import pytest

from aiom4b_tui.core.models import JobCreate, JobDB, JobOptions, JobStatus
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.screen_text import screen_text
from aiom4b_tui.ui.screens.add_book import AddBookScreen
from aiom4b_tui.ui.screens.quit import QuitScreen
from tests.ui.conftest import make_mp3, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def long_job(library, service) -> JobDB:
    """A queued job for a book of three two-minute files: long enough to act on mid-way."""
    long_book = library / "Long"
    for n in range(1, 4):
        make_mp3(long_book / f"{n:02d}.mp3", 120.0)
    # The native encoder: libfdk_aac, where ffmpeg has it, could finish it too soon.
    options = JobOptions(encoder="aac")
    return service.create_job(JobCreate(input_folders=[long_book], options=options))


async def test_mark_add_confirm_and_the_book_is_made(settings, library, service):
    app = create_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.folder_tree.cursor_node is not None)
        await pilot.press("space", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
        await wait_for(pilot, lambda: app.screen.preview is not None)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "✔ done" in screen_text(app), timeout=90)
        job = service.get_jobs()[0]
        assert job.status is JobStatus.COMPLETED
        assert job.output_file and job.output_file.endswith(".m4b")
        output = settings.resolved_output_dir() / job.output_file.rsplit("/", 1)[-1]
        assert output.is_file() and output.stat().st_size > 0


async def test_cancel_a_book_while_it_converts(settings, library, service, long_job):
    job = long_job
    app = create_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "● running" in screen_text(app), timeout=30)
        app.table.focus()
        await pilot.press("c")
        await wait_for(pilot, lambda: "⊘ cancelled" in screen_text(app), timeout=30)
        assert service.get_job(job.id).status is JobStatus.CANCELLED


async def test_quitting_while_a_book_converts_asks_and_stop_requeues(
    settings, library, service, long_job
):
    job = long_job
    app = create_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.runner.running_count == 1, timeout=30)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen))
        await pilot.press("s")
        await wait_for(pilot, lambda: app.return_code is not None, timeout=10)
    assert service.get_job(job.id).status is JobStatus.QUEUED
