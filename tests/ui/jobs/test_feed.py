"""The jobs feed reads the database and posts what it read: pages, changes (whichever
process made them, seen by polling), each change of status once, the counts, and jobs
deleted elsewhere. Its first look waits for the table's first page: jobs written just
before the app opened are rows in date order, not news in the log."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.message import Message

from aiom4b_tui.config.app_settings import AppSettings
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobStatus, JobUpdate
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.jobs.feed import JobFeed
from aiom4b_tui.ui.jobs.filter import JobFilter
from aiom4b_tui.ui.start.store import Store
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import unfinished_work, wait_for

pytestmark = pytest.mark.ui


class FeedApp(App[None]):
    """A feed on its own, ready when the test says, keeping every message it posts."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.ready = True
        self.shown: list = []
        self.heard: list[Message] = []

    def compose(self) -> ComposeResult:
        yield JobFeed(self.store, ready=lambda: self.ready, shown=lambda: list(self.shown))

    def on_job_feed_page_loaded(self, message: JobFeed.PageLoaded) -> None:
        self.heard.append(message)

    def on_job_feed_changed(self, message: JobFeed.Changed) -> None:
        self.heard.append(message)

    def on_job_feed_counted(self, message: JobFeed.Counted) -> None:
        self.heard.append(message)

    def on_job_feed_status_changed(self, message: JobFeed.StatusChanged) -> None:
        self.heard.append(message)

    def on_job_feed_gone(self, message: JobFeed.Gone) -> None:
        self.heard.append(message)

    def of(self, kind: type[Message]) -> list:
        return [message for message in self.heard if isinstance(message, kind)]


def feed_app(settings, service: JobService) -> FeedApp:
    return FeedApp(Store(AppSettings.of(settings), service))


async def test_pages_changes_status_lines_counts_and_the_gone(settings, library, service):
    dune = service.create_job(JobCreate(input_folders=[library / "Dune"], title="Dune"))
    app = feed_app(settings, service)
    async with app.run_test() as pilot:
        feed = app.query_one(JobFeed)
        feed.load_page(0, 7, JobFilter())
        await wait_for(pilot, lambda: app.of(JobFeed.PageLoaded))
        page = app.of(JobFeed.PageLoaded)[0]
        assert ([j.id for j in page.jobs], page.generation, page.complete) == ([dune.id], 7, True)

        service.claim_next("nas:12")  # another process starts it
        feed.poll_now()
        await wait_for(pilot, lambda: app.of(JobFeed.Counted))
        assert [m.text for m in app.of(JobFeed.StatusChanged)] == ["Dune: started on nas:12"]
        assert app.of(JobFeed.StatusChanged)[0].style == "yellow"
        assert dune.id in [j.id for j in app.of(JobFeed.Changed)[-1].jobs]
        assert app.of(JobFeed.Counted)[-1].counts[JobStatus.RUNNING] == 1

        counted = len(app.of(JobFeed.Counted))
        feed.poll_now()  # the same status again is no news
        await wait_for(pilot, lambda: len(app.of(JobFeed.Counted)) > counted)
        assert len(app.of(JobFeed.StatusChanged)) == 1

        app.shown = [dune.id]
        service.finish_running(dune.id, "nas:12", JobStatus.FAILED, ["failed: bad"])
        assert service.delete_job(dune.id)  # the count dropped: a sweep is due
        feed.poll_now()
        await wait_for(pilot, lambda: app.of(JobFeed.Gone))
        assert app.of(JobFeed.Gone)[0].job_ids == {dune.id}


async def test_no_look_is_taken_before_the_feed_is_ready(settings, library, service):
    service.create_job(JobCreate(input_folders=[library / "Dune"], title="Dune"))
    app = feed_app(settings, service)
    app.ready = False
    async with app.run_test() as pilot:
        feed = app.query_one(JobFeed)
        feed.poll_now()
        assert unfinished_work(app, "poll") == []  # not ready: no look started
        app.ready = True
        feed.poll_now()
        feed.poll_now()  # one look at a time
        assert len(unfinished_work(app, "poll")) == 1
        await wait_for(pilot, lambda: app.of(JobFeed.Counted))


async def test_jobs_written_just_before_the_start_are_not_logged_as_news(
    settings, library, service, tmp_path: Path
):
    titles = ["First", "Second", "Third"]
    for title in titles:
        folder = tmp_path / title
        folder.mkdir()
        job = service.create_job(JobCreate(input_folders=[folder], title=title))
        service.update_job(job.id, JobUpdate(worker="nas:12"))  # written now: changed lately
    app = create_app(settings, library, start_worker=False)
    get_jobs = app.service.get_jobs

    def slow_first_page(*args, **kwargs):  # the poll's ask would come back first
        time.sleep(0.5)
        return get_jobs(*args, **kwargs)

    app.service.get_jobs = slow_first_page
    async with app.run_test(size=(100, 30)) as pilot:
        jobs = app.main_screen.jobs
        await wait_for(pilot, lambda: jobs.table.row_count == 3)
        await wait_for(pilot, lambda: "3 queued" in screen_text(app))  # a poll came in
        # A job written now is news: once its line is in, every poll before it was taken.
        fourth = tmp_path / "Fourth"
        fourth.mkdir()
        JobService(open_database(settings.data_dir)).create_job(
            JobCreate(input_folders=[fourth], title="Fourth")
        )
        log = app.main_screen.log_pane
        await wait_for(pilot, lambda: "Fourth: queued" in log.text())
        assert not any(f"{title}: queued" in log.text() for title in titles), log.text()
        shown = [jobs.table.jobs[key].title for key in jobs.table.jobs]
        assert shown == ["Fourth", *reversed(titles)]  # newest first, once each


async def test_a_job_added_by_another_service_appears_by_polling(settings, library):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.main_screen.jobs.table
        await wait_for(pilot, lambda: "0 queued" in screen_text(app))  # polling
        generation = table.generation
        other = JobService(open_database(settings.data_dir))
        other.create_job(JobCreate(input_folders=[library / "Emma"], title="From elsewhere"))
        # A look every 0.4 s: within a second on an idle machine; the limit is for one
        # beside an encoding worker. The table was not loaded again: a look brought it.
        await wait_for(pilot, lambda: table.row_count == 1, timeout=10)
        assert table.generation == generation
        await wait_for(pilot, lambda: "From elsewhere" in screen_text(app))
        await wait_for(pilot, lambda: "1 queued" in screen_text(app))


async def test_a_job_added_by_the_cli_in_another_process_appears(settings, library):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.main_screen.jobs.table
        await wait_for(pilot, lambda: "0 queued" in screen_text(app))
        generation = table.generation
        command = [sys.executable, "-m", "aiom4b_tui", "add", "--no-worker", str(library / "Dune")]
        done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        await wait_for(pilot, lambda: table.row_count == 1, timeout=10)
        assert table.generation == generation  # by a look, not a reload


async def test_rows_of_jobs_deleted_elsewhere_leave_the_table(settings, library):
    app = create_app(settings, library, start_worker=False)
    other = JobService(open_database(settings.data_dir))
    jobs = [other.create_job(JobCreate(input_folders=[library / n])) for n in ("Dune", "Emma")]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 2)
        assert other.delete_job(jobs[0].id)
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1, timeout=5)
        assert set(app.main_screen.jobs.table.jobs) == {jobs[1].id}
        # The counts come with the next poll, which may land after the row went.
        await wait_for(pilot, lambda: "1 queued" in screen_text(app))
