"""The first poll waits for the table's first page: jobs written just before the app
opened are rows in date order, not news in the log."""

from __future__ import annotations

import time
from pathlib import Path

from aiom4b_tui.store.models import JobCreate, JobUpdate
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import wait_for


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
        await pilot.pause(1.0)  # a few polls
        log = app.main_screen.log_pane.text()
        assert not any(f"{title}: queued" in log for title in titles), log
        shown = [jobs.table.jobs[key].title for key in jobs.table.jobs]
        assert shown == list(reversed(titles))  # newest first, once each
