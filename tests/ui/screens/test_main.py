"""Pilot tests of the main screen: marking and adding folders, acting on jobs, live updates."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input

from aiom4b_tui.config.settings import Settings
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobStatus
from aiom4b_tui.ui.add_book.screen import AddBookScreen
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen
from aiom4b_tui.ui.screens.job_details import JobDetailsScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import focus, wait_for


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
        await pilot.pause(0.2)
        assert service.get_job(job.id) is not None
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: service.get_job(job.id) is None)
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 0)


async def test_job_added_by_another_service_appears_within_a_second(settings, library):
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.pause(0.5)
        other = JobService(open_database(settings.data_dir))
        start = asyncio.get_running_loop().time()
        other.create_job(JobCreate(input_folders=[library / "Emma"], title="From elsewhere"))
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1, timeout=1.0)
        assert asyncio.get_running_loop().time() - start < 1.0
        await wait_for(pilot, lambda: "From elsewhere" in screen_text(app))
        await wait_for(pilot, lambda: "1 queued" in screen_text(app))


async def test_job_added_by_the_cli_in_another_process_appears(settings, library):
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        command = [sys.executable, "-m", "aiom4b_tui", "add", "--no-worker", str(library / "Dune")]
        done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        start = asyncio.get_running_loop().time()
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1, timeout=1.0)
        assert asyncio.get_running_loop().time() - start < 1.0


async def test_details_screen_shows_the_job_and_its_log(settings, library, service):
    job = service.create_job(JobCreate(input_folders=[library / "Dune"]))
    service.append_log(job.id, "scanned 3 files")
    app = make_app(settings, library)
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


async def test_filter_by_status_and_text(settings, library, service: JobService):
    from aiom4b_tui.store.models import JobUpdate

    dune = service.create_job(JobCreate(input_folders=[library / "Dune"]))
    service.create_job(JobCreate(input_folders=[library / "Emma"]))
    service.update_job(dune.id, JobUpdate(status=JobStatus.FAILED))
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.main_screen.jobs.table
        await wait_for(pilot, lambda: table.row_count == 2)
        await focus(pilot, table)
        await pilot.press("slash", *"failed")  # narrows as it is typed, no enter needed
        await wait_for(pilot, lambda: table.row_count == 1)
        await wait_for(pilot, lambda: "Jobs · failed" in screen_text(app))
        field = app.main_screen.query_one("#filter", Input)
        field.value = ""
        await pilot.press(*"emm")
        await wait_for(pilot, lambda: [j.title for j in table.jobs.values()] == ["Emma"])
        await pilot.press(*"xyz")
        await wait_for(pilot, lambda: "No job matches “emmxyz”." in screen_text(app))
        assert table.row_count == 0
        await pilot.press("enter")  # back to the table, the filter kept
        await wait_for(pilot, lambda: app.focused is table)
        await pilot.press("escape")  # clears the filter
        await wait_for(pilot, lambda: table.row_count == 2)
        assert "No job matches" not in screen_text(app)
        await pilot.press("l")  # the library, then `/` from there: back to the jobs
        await wait_for(pilot, lambda: app.focused is app.main_screen.folder_tree)
        await pilot.press("slash", *"failed")
        await wait_for(pilot, lambda: table.row_count == 1)


async def test_the_table_pages_as_the_cursor_moves(settings, library, service: JobService):
    from tests.helpers.job_rows_data import insert_jobs

    insert_jobs(service, 450)
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 200)
        await focus(pilot, app.main_screen.jobs.table)
        app.main_screen.jobs.table.move_cursor(row=190)
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 400)
        app.main_screen.jobs.table.move_cursor(row=399)
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 450)
        assert app.main_screen.jobs.table.complete
        await wait_for(pilot, lambda: "450 queued" in screen_text(app))


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


async def test_q_quits_at_once_when_nothing_converts_here(settings, library):
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code == 0, timeout=5)


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
