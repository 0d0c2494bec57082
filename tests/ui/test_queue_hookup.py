"""The app's hookup to the queue's JobService verbs, the inbox watcher and other processes:
refusals said in the log, an inbox watched until quit, rows of deleted jobs dropped,
quitting and hanging up leave running books alone."""

from __future__ import annotations

import os
import shutil
import signal

from textual.widgets import Input

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobStatus
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.dialogs.prompt import PromptScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.audio import make_mp3
from tests.helpers.pilot import focus, wait_for


def log_text(app: AiomApp) -> str:
    """Every line of the log pane, scrolled out of view or not."""
    return app.main_screen.log_pane.text()


async def test_cancelling_a_finished_job_is_refused_in_the_log(settings, library, service):
    job = service.create_job(JobCreate(input_folders=[library / "Emma"]))
    service.claim_next("elsewhere:1")
    service.finish_running(
        job.id, "elsewhere:1", JobStatus.COMPLETED, ["done"], output_file="/o.m4b"
    )
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        await focus(pilot, app.main_screen.jobs.table)
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
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        await focus(pilot, app.main_screen.jobs.table)
        await pilot.press("r")
        await wait_for(pilot, lambda: service.get_job(job.id).status is JobStatus.QUEUED)
        await wait_for(pilot, lambda: "Emma: queued" in log_text(app))  # from the poll, once
        assert log_text(app).count("Emma: queued") == 1
    assert service.get_job(job.id).log.endswith("retry: queued again (was cancelled)")


async def test_watching_the_inbox_queues_a_dropped_book_until_quit(data_dir, tmp_path, library):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = load_settings(data_dir, library_dir=library, inbox_dir=inbox)
    service = JobService(open_database(data_dir))
    app = create_app(settings, library, start_worker=False, inbox_settle=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        assert app.screen.query_one("#answer", Input).value == str(inbox)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main_screen.watched_inbox == inbox.resolve())
        staging = tmp_path / "staging" / "Persuasion"
        make_mp3(staging / "01.mp3", 1.0, album="Persuasion")
        shutil.move(staging, inbox / "Persuasion")
        await wait_for(pilot, lambda: "inbox Persuasion" not in screen_text(app))
        assert "inbox inbox" in screen_text(app)  # the header says an inbox is watched
        await wait_for(pilot, lambda: "Persuasion: queued" in log_text(app))
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        assert service.get_jobs()[0].folders() == [inbox / "Persuasion"]
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code == 0, timeout=5)
        await wait_for(pilot, lambda: app.main_screen.watched_inbox is None, timeout=5)


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


async def test_quitting_leaves_running_books_to_their_worker(settings, library, service):
    job = service.create_job(JobCreate(input_folders=[library / "Emma"]))
    assert service.claim_next("elsewhere:1") is not None
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        await pilot.press("q")  # no question: nothing runs in this process
        await wait_for(pilot, lambda: app.return_code == 0, timeout=5)
    after = service.get_job(job.id)
    assert after.status is JobStatus.RUNNING and after.worker == "elsewhere:1"


async def test_a_hang_up_just_ends_the_app(settings, library, service):
    job = service.create_job(JobCreate(input_folders=[library / "Emma"]))
    service.claim_next("elsewhere:1")
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        os.kill(os.getpid(), signal.SIGHUP)  # the app's handler ends it; pytest lives on
        await wait_for(pilot, lambda: app.return_code == 0, timeout=5)
    assert service.get_job(job.id).status is JobStatus.RUNNING


async def test_failed_work_is_said_once_by_the_app_and_polling_goes_on(settings, library):
    app = create_app(settings, library, start_worker=False)
    other = JobService(open_database(settings.data_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "0 queued" in screen_text(app))
        real = app.service.count_by_status
        failing = True

        def count_by_status():
            if failing:
                raise RuntimeError("database is gone")
            return real()

        app.service.count_by_status = count_by_status
        await wait_for(pilot, lambda: "RuntimeError: database is gone" in log_text(app))
        failing = False
        other.create_job(JobCreate(input_folders=[library / "Emma"]))
        await wait_for(pilot, lambda: "1 queued" in screen_text(app))  # the poll lives on
        assert log_text(app).count("poll database: RuntimeError: database is gone") == 1
