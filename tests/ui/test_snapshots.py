"""Snapshots at 80x24 of the main screen (with its worker line), a failed row with its
reason, the paused queue, jobs from two hosts, the add dialog and the job details.

Deterministic: jobs written with fixed ids and times, a worker row registered with a fixed
start, a fixed clock, UTC as the local zone, HOME at the test's folder (so the library
reads `~/Audiobooks`). No worker is started: the registry row is the worker shown.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from lookup_fakes import OPENLIBRARY_SEARCH, running_book_api
from textual.widgets import Input

from aiom4b_tui.core.models import JobStatus, JobUpdate, WorkerDB
from aiom4b_tui.core.worker_registry import PauseMode, WorkerInfo, WorkerRegistry
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.screen_text import screen_text
from aiom4b_tui.ui.screens.add_book import AddBookScreen
from aiom4b_tui.ui.screens.job_details import JobDetailsScreen
from aiom4b_tui.ui.screens.lookup_book import LookupScreen
from aiom4b_tui.ui.widgets.chapter_editor import ChapterEditor
from tests.ui.conftest import focus, make_from_lavfi, wait_for
from tests.ui.job_rows_data import insert_job

NOW = datetime(2026, 5, 1, 22, 45, 0, tzinfo=UTC)
SIZE = (80, 24)


@pytest.fixture(autouse=True)
def fixed_place_and_zone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def add_sample_jobs(service) -> None:
    """The jobs of the sketch in DESIGN.md, with fixed ids and times."""
    samples = [
        ("Walden", JobStatus.COMPLETED, 1.0, None, None, "/out/Walden.m4b", ""),
        ("Broken Book", JobStatus.FAILED, 0.1, None, None, None, "02.mp3 is not audio (0 B)"),
        ("Ulysses", JobStatus.QUEUED, 0.0, None, None, None, ""),
        ("Emma · Jane Austen", JobStatus.RUNNING, 0.22, 138.0, 660.0, None, ""),
        ("Dune · Frank Herbert", JobStatus.RUNNING, 0.71, 140.0, 180.0, None, ""),
    ]
    for n, (title, status, progress, speed, eta, output, log) in enumerate(samples):
        created = NOW - timedelta(hours=2) + timedelta(minutes=n)
        started = created + timedelta(minutes=5) if status is not JobStatus.QUEUED else None
        ended = started + timedelta(minutes=62) if status.finished and started else None
        insert_job(
            service,
            id=UUID(int=n + 1),
            status=status,
            title=title,
            input_folders=json.dumps([f"/books/{title}"]),
            progress=progress,
            speed=speed,
            eta_seconds=eta,
            output_file=output,
            log=f"2026-05-01 21:50:00 failed: {log}" if log else None,
            reason=log or None,
            created_at=created,
            updated_at=created,
            start_time=started,
            end_time=ended,
        )


def add_worker(service, books_running: int = 2) -> None:
    """A worker row as a live worker writes it: vm:4121, started 22:41, beating now."""
    registry = WorkerRegistry(service.db)
    registry.register(WorkerInfo("vm:4121", "vm", 4121, books_at_once=2, ffmpeg_processes=2))
    registry.beat("vm:4121", books_running)
    with service.db.write_session() as session:
        row = session.get(WorkerDB, "vm:4121")
        row.started_at = datetime(2026, 5, 1, 22, 41, tzinfo=UTC)
        session.add(row)
        session.commit()


async def mounted(pilot, app: AiomApp) -> None:
    """Wait for the main screen's rooms (an auto-pilot may start before they compose)."""
    rooms = ("HeaderBar", "LibraryPane", "JobsPanel", "EventLog")
    await wait_for(pilot, lambda: all(app.screen.query(room) for room in rooms))


def snapshot_app(settings, library) -> AiomApp:
    return create_app(settings, library, clock=lambda: NOW, start_worker=False)


def steady_cursors(screen) -> None:
    """Stop the input fields' cursors blinking: a blink makes the frame depend on timing."""
    for field in screen.query(Input):
        field.cursor_blink = False


async def open_add_dialog(pilot, app: AiomApp) -> AddBookScreen:
    """The add dialog opened from the settled main screen on the library's first folder."""
    await settle(pilot, app)
    await pilot.press("l", "a")
    await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
    return app.screen


async def settle(pilot, app: AiomApp, rows: int = 5) -> None:
    """Wait until the table, the worker line and the folder summaries are in."""
    await mounted(pilot, app)
    screen = app.main_screen
    tree = screen.folder_tree
    await wait_for(pilot, lambda: screen.jobs.table.row_count == rows)
    await wait_for(pilot, lambda: screen.header.worker_line)
    await wait_for(pilot, lambda: tree.summary_of(screen.library_root / "Dune") is not None)
    await wait_for(pilot, lambda: tree.summary_of(screen.library_root / "Emma") is not None)
    await pilot.pause(0.3)


def test_main_screen(snap_compare, settings, library, service):
    add_sample_jobs(service)
    add_worker(service)
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_failed_row_with_its_reason(snap_compare, settings, library, service):
    add_sample_jobs(service)
    add_worker(service)
    insert_job(
        service,
        id=UUID(int=50),
        status=JobStatus.FAILED,
        title="Middlemarch",
        input_folders=json.dumps(["/books/Middlemarch"]),
        created_at=NOW - timedelta(minutes=10),
        updated_at=NOW - timedelta(minutes=10),
        # An older row: no reason column, the reason read from its log.
        log="2026-05-01 22:30:00 scanned 1 folder\n2026-05-01 22:31:00 failed: CD2/07.mp3 "
        "cannot be decoded",
    )
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        await settle(pilot, app, rows=6)
        await focus(pilot, app.main_screen.jobs.table)
        await pilot.press("slash", *"failed", "enter")
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 2)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_paused_queue(snap_compare, settings, library, service):
    add_sample_jobs(service)
    add_worker(service)
    WorkerRegistry(service.db).pause(PauseMode.FINISH)
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await wait_for(pilot, lambda: "paused" in app.main_screen.header.worker_line)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_jobs_from_two_hosts(snap_compare, settings, library, service):
    """A queue worked by two hosts: the table gains a Host column and still fits."""
    add_sample_jobs(service)  # no worker row: the workers' line is not this test's
    hosts = {1: "nas:4121", 2: "desktop:88", 4: "nas:4121", 5: "desktop:88"}
    for n, worker in hosts.items():
        service.update_job(UUID(int=n), JobUpdate(worker=worker))
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await wait_for(pilot, lambda: app.main_screen.jobs.table.with_host)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_main_screen_with_the_library_shown(snap_compare, settings, library, service):
    add_sample_jobs(service)
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await pilot.press("l", "space")

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_add_dialog(snap_compare, settings, library, service):
    add_sample_jobs(service)
    cover = library / "Dune" / "cover.png"
    make_cover(cover)
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        dialog = await open_add_dialog(pilot, app)
        await wait_for(pilot, lambda: dialog.preview is not None)
        steady_cursors(dialog)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_job_details(snap_compare, settings, library, service):
    add_sample_jobs(service)
    insert_job(
        service,
        id=UUID(int=99),
        status=JobStatus.FAILED,
        title="Middlemarch",
        input_folders=json.dumps(["/books/Middlemarch/CD1", "/books/Middlemarch/CD2"]),
        created_at=NOW - timedelta(minutes=30),
        updated_at=NOW - timedelta(minutes=30),
        start_time=NOW - timedelta(minutes=29),
        end_time=NOW - timedelta(minutes=20),
        log="2026-05-01 22:16:00 scanned 2 folders: 24 files\n"
        "2026-05-01 22:25:00 failed: CD2/07.mp3 cannot be decoded",
        reason="CD2/07.mp3 cannot be decoded",
    )
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        await mounted(pilot, app)
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 6)
        await wait_for(pilot, lambda: app.main_screen.header.worker_line)
        await focus(pilot, app.main_screen.jobs.table)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobDetailsScreen))
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def make_cover(path: Path) -> None:
    """A small test-pattern PNG, made by ffmpeg."""
    make_from_lavfi(path, "testsrc=size=64x64:rate=1", "-frames:v", "1")


def show(app: AiomApp, run_before):
    """Print the screen as text after `run_before` (seen with `pytest -s`)."""

    async def wrapped(pilot) -> None:
        await run_before(pilot)
        print(screen_text(app))

    return wrapped


def test_add_dialog_chapter_editor(snap_compare, settings, library, service):
    add_sample_jobs(service)
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        dialog = await open_add_dialog(pilot, app)
        await wait_for(pilot, lambda: dialog.draft is not None)
        dialog.query_one("#add-tabs").active = "tab-chapters"
        await focus(pilot, dialog.query_one(ChapterEditor))
        await pilot.press("m", "end", "x")  # Part 1 and 2 merged, the last file left out
        await wait_for(pilot, lambda: len(dialog.preview.files) == 2)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_add_dialog_lookup_results(snap_compare, settings, library, service, monkeypatch):
    add_sample_jobs(service)
    app = snapshot_app(settings, library)
    with running_book_api() as api:
        api.route("/search.json", OPENLIBRARY_SEARCH)
        for name in ("AIOM4B_AUDNEXUS_URL", "AIOM4B_OPENLIBRARY_URL", "AIOM4B_COVERS_URL"):
            monkeypatch.setenv(name, api.url)

        async def run_before(pilot) -> None:
            dialog = await open_add_dialog(pilot, app)
            await wait_for(pilot, lambda: dialog.draft is not None)
            await pilot.press("ctrl+l")
            await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen))
            lookup = app.screen
            steady_cursors(lookup)
            await pilot.press("enter")
            await wait_for(pilot, lambda: lookup.matches, timeout=20)
            await pilot.pause(0.3)

        assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))
