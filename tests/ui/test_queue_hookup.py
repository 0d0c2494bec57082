"""The app's hookup to the queue's JobService verbs, the inbox watcher and other processes:
refusals said in the log, an inbox watched until quit, rows of deleted jobs dropped."""

from __future__ import annotations

import shutil

from textual.widgets import Input

from aiom4b_tui.core.db import open_database
from aiom4b_tui.core.jobs import JobService
from aiom4b_tui.core.models import JobCreate, JobStatus
from aiom4b_tui.core.settings import load_settings
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.screens.prompt import PromptScreen
from tests.ui.conftest import make_mp3, wait_for


def log_text(app: AiomApp) -> str:
    """Every line of the log pane, scrolled out of view or not."""
    return "\n".join(strip.text for strip in app.log_pane.lines)


async def test_cancelling_a_finished_job_is_refused_in_the_log(settings, library, service):
    job = service.create_job(JobCreate(input_folders=[library / "Emma"]))
    service.claim_next("elsewhere:1")
    service.finish_running(
        job.id, "elsewhere:1", JobStatus.COMPLETED, ["done"], output_file="/o.m4b"
    )
    app = create_app(settings, library, run_queue=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count == 1)
        app.table.focus()
        await pilot.press("c")
        await wait_for(pilot, lambda: "is completed; nothing to cancel" in log_text(app))
        await pilot.press("r")
        await wait_for(
            pilot, lambda: "only failed or cancelled jobs can be retried" in log_text(app)
        )
    assert service.get_job(job.id).status is JobStatus.COMPLETED


async def test_retry_from_the_table_requeues_through_the_service(settings, library, service):
    job = service.create_job(JobCreate(input_folders=[library / "Emma"]))
    service.request_cancel(job.id)
    app = create_app(settings, library, run_queue=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count == 1)
        app.table.focus()
        await pilot.press("r")
        await wait_for(pilot, lambda: service.get_job(job.id).status is JobStatus.QUEUED)
        await wait_for(pilot, lambda: "queued again" in log_text(app))
    assert service.get_job(job.id).log.endswith("retry: queued again (was cancelled)")


async def test_watching_the_inbox_queues_a_dropped_book_until_quit(data_dir, tmp_path, library):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = load_settings(data_dir, library_dir=library, inbox_dir=inbox)
    service = JobService(open_database(data_dir))
    app = create_app(settings, library, run_queue=False, inbox_settle=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.folder_tree.cursor_node is not None)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        assert app.screen.query_one("#answer", Input).value == str(inbox)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.watched_inbox == inbox.resolve())
        staging = tmp_path / "staging" / "Persuasion"
        make_mp3(staging / "01.mp3", 1.0, album="Persuasion")
        shutil.move(staging, inbox / "Persuasion")
        await wait_for(pilot, lambda: "Persuasion: queued from the inbox" in log_text(app))
        await wait_for(pilot, lambda: app.table.row_count == 1)
        assert service.get_jobs()[0].folders() == [inbox / "Persuasion"]
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code == 0, timeout=5)
        await wait_for(pilot, lambda: app.watched_inbox is None, timeout=5)


async def test_rows_of_jobs_deleted_elsewhere_leave_the_table(settings, library):
    app = create_app(settings, library, run_queue=False)
    other = JobService(open_database(settings.data_dir))
    jobs = [other.create_job(JobCreate(input_folders=[library / n])) for n in ("Dune", "Emma")]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count == 2)
        assert other.delete_job(jobs[0].id)
        await wait_for(pilot, lambda: app.table.row_count == 1, timeout=5)
        assert set(app.table.jobs) == {jobs[1].id}
        # The counts come with the next poll, which may land after the row went.
        await wait_for(pilot, lambda: "1 queued" in str(app.counts_bar._counts.render()))


async def test_quitting_stops_the_queue_at_once(settings, library):
    app = create_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.runner.alive)
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code == 0, timeout=3)
    assert not app.runner.alive


async def test_the_queue_stops_when_the_app_ends_without_quitting(settings, library, service):
    # A hang-up or a pilot's exit ends the app without the quit dialog.
    job = service.create_job(JobCreate(input_folders=[library / "Emma"]))
    app = create_app(settings, library, run_queue=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.runner.alive)
    assert not app.runner.alive
    assert service.get_job(job.id).status in (JobStatus.QUEUED, JobStatus.COMPLETED)
