"""The main screen's routes, driving the real app: folders marked and added through the
add dialog, the job keys carried out (asking first where they cannot be undone, refusals
said), the inbox the workers are asked to watch (`w`), the panes folded on a narrow
terminal, text from files shown and not obeyed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from aiom4b_tui.config.settings import Settings, load_settings
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobStatus
from aiom4b_tui.store.workers import InboxRequest, WorkerInfo, WorkerRegistry
from aiom4b_tui.ui.add_book.screen import AddBookScreen
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen
from aiom4b_tui.ui.dialogs.prompt import PromptScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import focus, wait_for, wait_for_work

pytestmark = pytest.mark.ui


def log_text(app: AiomApp) -> str:
    """Every line of the log pane, scrolled out of view or not."""
    return app.main_screen.log_pane.text()


def make_app(settings: Settings, library: Path) -> AiomApp:
    """The app as `aiom4b LIBRARY` builds it, without running the queue."""
    return create_app(settings, library, start_worker=False)


async def test_opens_with_folders_and_their_summaries(settings, library):
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        # Folder summaries and the counts both come from workers, in either order.
        await wait_for(pilot, lambda: "3 · 3s" in screen_text(app))
        await wait_for(pilot, lambda: "0 queued · 0 done" in screen_text(app))
        text = screen_text(app)
        assert "Dune" in text and "Emma" in text and "Notes" in text
        assert ".hidden" not in text


async def test_mark_a_folder_add_it_and_confirm_queues_a_job(settings, library, service):
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("space")  # marks Dune, the first folder
        assert app.main_screen.folder_tree.marked == [library / "Dune"]
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.preview is not None)
        assert dialog.query_one("#tag-title", Input).value == "Dune"
        assert dialog.query_one("#tag-author", Input).value == "Frank Herbert"
        assert dialog.query_one("#tag-narrator", Input).value == "Scott Brick"
        assert [c.title for c in dialog.preview.chapters] == ["Part 1", "Part 2", "Part 10"]
        dialog.query_one("#tag-genre", Input).value = "Space Opera"
        await pilot.press("enter")
        await wait_for(pilot, lambda: service.get_jobs())
        await wait_for(pilot, lambda: "◌ queued" in screen_text(app))
        job = service.get_jobs()[0]
        assert job.folders() == [library / "Dune"]
        assert job.title == "Dune · Frank Herbert"  # as `aiom4b add` and the inbox title it
        assert job.job_options().tags.genre == "Space Opera"
        assert app.main_screen.folder_tree.marked == []


async def test_one_book_of_two_marked_folders(settings, library, service):
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("space", "space")  # Dune, then Emma
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
        await wait_for(pilot, lambda: app.screen.preview is not None)
        assert len(app.screen.preview.files) == 4
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: service.get_jobs())
        assert service.get_jobs()[0].folders() == [library / "Dune", library / "Emma"]


async def test_add_each_with_skip_and_cancel(settings, library, service):
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("space", "space", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
        first = app.screen
        await pilot.press("ctrl+n")  # skip Dune
        await wait_for(
            pilot, lambda: isinstance(app.screen, AddBookScreen) and app.screen is not first
        )
        assert app.screen.folders == [library / "Emma"]
        await wait_for(pilot, lambda: app.screen.preview is not None)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: service.get_jobs())
        assert [j.title for j in service.get_jobs()] == ["Emma · Jane Austen"]


async def test_cancel_jobs_from_the_table(settings, library, service: JobService):
    queued = service.create_job(JobCreate(input_folders=[library / "Emma"]))
    service.create_job(JobCreate(input_folders=[library / "Dune"]))
    running = service.claim_next("elsewhere:1")  # the oldest: Emma
    assert running is not None and running.id == queued.id
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "● running" in screen_text(app))
        await focus(pilot, app.main_screen.jobs.table)
        await pilot.press("c")  # the cursor is on the newest job: Dune, queued
        await wait_for(pilot, lambda: "⊘ cancelled" in screen_text(app))
        await pilot.press("down", "c")  # Emma, running: its worker is asked to stop
        await wait_for(pilot, lambda: service.get_job(running.id).cancel_requested)
        await wait_for(pilot, lambda: "● stopping" in screen_text(app))
        statuses = {j.title: j.status for j in service.get_jobs()}
        assert statuses == {"Dune": JobStatus.CANCELLED, "Emma": JobStatus.RUNNING}


async def test_retry_and_delete_ask_and_act(settings, library, service: JobService):
    from aiom4b_tui.store.models import JobUpdate

    job = service.create_job(JobCreate(input_folders=[library / "Emma"]))
    service.update_job(
        job.id, JobUpdate(status=JobStatus.FAILED, reason="01.mp3 is not audio", log="x")
    )
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "✖ failed" in screen_text(app))
        # The reason shows in the row, at 80 columns.
        await wait_for(pilot, lambda: "01.mp3 is not audio" in screen_text(app))
        assert "01.mp3 is not audio" in str(app.main_screen.jobs.table.get_row_at(0)[2])
        await focus(pilot, app.main_screen.jobs.table)
        await pilot.press("r")
        await wait_for(pilot, lambda: service.get_job(job.id).status is JobStatus.QUEUED)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await wait_for_work(pilot, "job-keys")  # the delete flow has ended: not deleted
        assert service.get_job(job.id) is not None
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: service.get_job(job.id) is None)
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 0)


async def test_narrow_terminal_folds_the_library_away(settings, library, service):
    service.create_job(JobCreate(input_folders=[library / "Emma"]))
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        assert not app.main_screen.folder_tree.display or not app.main_screen.folder_tree.region
        await pilot.press("l")
        await wait_for(pilot, lambda: "Dune" in screen_text(app))
        assert app.focused is app.main_screen.folder_tree
        await pilot.resize_terminal(120, 30)
        await wait_for(pilot, lambda: "Emma" in screen_text(app) and "◌ queued" in screen_text(app))


async def test_text_from_files_is_shown_not_obeyed(settings, library, service: JobService):
    from aiom4b_tui.store.models import JobUpdate

    job = service.create_job(JobCreate(input_folders=[library / "Emma"]))
    hostile = "Emma [b]x[/b]\x1b[2J"
    service.update_job(
        job.id, JobUpdate(title=hostile, status=JobStatus.FAILED, reason="bad [i]tag\x07")
    )
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Emma [b]x[/b]␛[2J" in screen_text(app))
        assert "bad [i]tag␇" in screen_text(app)
        await focus(pilot, app.main_screen.jobs.table)
        await pilot.press("d")  # the question quotes the title as it is
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await wait_for(pilot, lambda: "“Emma [b]x[/b]␛[2J”" in screen_text(app))
        await pilot.press("n")


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


async def test_w_asks_the_workers_to_watch_an_inbox_then_offers_to_stop(
    data_dir, tmp_path, library
):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = load_settings(data_dir, library_dir=library, inbox_dir=inbox)
    registry = WorkerRegistry(open_database(data_dir))
    app = create_app(settings, library, start_worker=False, inbox_settle=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        header = app.main_screen.header
        await wait_for(pilot, lambda: header.worker_line == "no worker")
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        assert app.screen.query_one("#answer", Input).value == str(inbox)
        await pilot.press("enter")
        asked = InboxRequest(str(inbox.resolve()), 0.3)
        await wait_for(pilot, lambda: registry.inbox_request() == asked)
        await wait_for(pilot, lambda: "is asked to watch" in log_text(app))
        assert header.inbox_line == ""  # asked, but no live worker says it watches
        # A worker takes the watch: its row says so, and the header shows it.
        registry.register(WorkerInfo("vm:1", "vm", 1, books_at_once=1, ffmpeg_processes=1))
        registry.set_watching("vm:1", asked.path)
        await wait_for(pilot, lambda: header.inbox_line.startswith("watching "))
        assert header.inbox_line in screen_text(app).splitlines()[0]
        await pilot.press("w")  # watched: `w` offers to stop
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Stop watching" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: registry.inbox_request() is None)
        assert "asked to stop watching" in log_text(app)
        registry.set_watching("vm:1", None)  # the worker lets go
        await wait_for(pilot, lambda: header.inbox_line == "")
        assert "watching" not in screen_text(app).splitlines()[0]


async def test_w_with_a_folder_that_is_not_there_asks_nothing(data_dir, tmp_path, library):
    registry = WorkerRegistry(open_database(data_dir))
    app = create_app(load_settings(data_dir, library_dir=library), library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.store.is_open)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one("#answer", Input).value = str(tmp_path / "nowhere")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: any("Not a folder" in note.message for note in app._notifications)
        )
        await wait_for_work(pilot, "dialogs")  # the `w` flow has ended
        assert registry.inbox_request() is None


@pytest.mark.parametrize("asked", [True, False])
async def test_an_inbox_asked_before_the_start_gets_a_worker(settings, library, service, asked):
    if asked:
        WorkerRegistry(service.db).watch_inbox(InboxRequest(str(library), 30.0))
    app = make_app(settings, library)
    starts: list[str] = []
    app.worker_link.ensure = lambda: starts.append("ensure")  # counted, nothing started
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "0 queued · 0 done" in screen_text(app))  # first counts
        await wait_for_work(pilot, "start-worker")
    assert starts == (["ensure"] if asked else [])
