"""The job's details: its summary, plan and whole log, followed live while open; `c` and
`r` act on it; a job deleted meanwhile closes the screen, saying so."""

from __future__ import annotations

import pytest

from aiom4b_tui.store.models import JobCreate, JobStatus, JobUpdate
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.screens.job_details import JobDetailsScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import focus, wait_for

pytestmark = pytest.mark.ui


def notes(app) -> list[str]:
    """The notes (toasts) the app has shown."""
    return [note.message for note in app._notifications]


async def open_details(pilot, app) -> JobDetailsScreen:
    await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
    await focus(pilot, app.main_screen.jobs.table)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, JobDetailsScreen))
    return app.screen


async def test_cancel_and_retry_act_on_the_job_shown(settings, library, service):
    job = service.create_job(JobCreate(input_folders=[library / "Dune"]))
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        details = await open_details(pilot, app)
        await pilot.press("c")
        await wait_for(pilot, lambda: details.job.status is JobStatus.CANCELLED)
        assert "cancelled" in screen_text(app)
        await pilot.press("r")
        await wait_for(pilot, lambda: details.job.status is JobStatus.QUEUED)
        await pilot.press("c")  # cancelled again: and again is refused, in a note
        await wait_for(pilot, lambda: details.job.status is JobStatus.CANCELLED)
        await pilot.press("c")
        await wait_for(
            pilot, lambda: any("nothing to cancel" in n.message for n in app._notifications)
        )
    assert service.get_job(job.id).status is JobStatus.CANCELLED


async def test_a_job_deleted_meanwhile_closes_the_details(settings, library, service):
    job = service.create_job(JobCreate(input_folders=[library / "Dune"]))
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_details(pilot, app)
        service.update_job(job.id, JobUpdate(progress=0.5))
        await wait_for(pilot, lambda: "50%" in screen_text(app))  # followed live
        assert service.delete_job(job.id)
        await wait_for(pilot, lambda: app.screen is app.main_screen)
        await wait_for(pilot, lambda: "The job was deleted." in notes(app))


async def test_details_screen_shows_the_job_and_its_log(settings, library, service):
    job = service.create_job(JobCreate(input_folders=[library / "Dune"]))
    service.append_log(job.id, "scanned 3 files")
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        await focus(pilot, app.main_screen.jobs.table)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobDetailsScreen))
        await wait_for(pilot, lambda: str(job.id) in screen_text(app))
        await pilot.press("right", "right")  # to the Log tab
        await wait_for(pilot, lambda: "scanned 3 files" in screen_text(app))
        service.append_log(job.id, "a later line")
        await wait_for(pilot, lambda: "a later line" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, JobDetailsScreen))
