"""The thin app: it quits at once (nothing converts in it) and on a hang-up, says failed
work once through its one handler, keeps the worker keys to the main screen, and lists
every action by name in the command palette."""

from __future__ import annotations

import os
import signal

import pytest
from textual.command import CommandPalette

from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobStatus
from aiom4b_tui.store.workers import WorkerInfo, WorkerRegistry
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.dialogs.help import HelpScreen
from aiom4b_tui.ui.dialogs.pause import PauseScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import unfinished_work, wait_for

pytestmark = pytest.mark.ui


def log_text(app: AiomApp) -> str:
    """Every line of the log pane, scrolled out of view or not."""
    return app.main_screen.log_pane.text()


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


async def test_q_quits_at_once_when_nothing_converts_here(settings, library):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code == 0, timeout=5)


async def test_the_pause_key_is_not_taken_inside_a_dialog(settings, library, service):
    registry = WorkerRegistry(service.db)
    registry.register(WorkerInfo("vm:4121", "vm", 4121, books_at_once=2, ffmpeg_processes=2))
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.header.worker_line.startswith("worker"))
        await pilot.press("question_mark")  # the help
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("p", "escape")
        await wait_for(pilot, lambda: app.screen is app.main_screen)
        # `p` came before the escape: had it started the pause, its work would be there.
        assert unfinished_work(app, "worker-control") == []
        assert registry.pause_mode() is None
        await pilot.press("p")  # on the main screen it is taken
        await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen))


async def test_the_palette_names_every_action_of_the_main_screen_and_only_there(settings, library):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        titles = [command.title for command in app.get_system_commands(app.main_screen)]
        for title in (
            "Pause or resume",
            "Stop everything",
            "Help",
            "Mark folder",
            "Add marked folders",
            "Cancel job",
            "Watch inbox",
            "Toggle library",
        ):
            assert title in titles
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Pause or resume" in titles and "Mark folder" not in titles
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main_screen)
        await pilot.press("ctrl+p")  # the palette itself opens, with the app's commands
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"watch")
        await wait_for(pilot, lambda: "Watch inbox" in screen_text(app))
