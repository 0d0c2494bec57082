"""Snapshot tests' set-up: fixed jobs, a fixed worker row and clock, UTC, HOME at the
test's folder, and the app shown at 80x24 once steady."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from textual.widgets import Input

from aiom4b_tui.store.models import JobStatus, WorkerDB
from aiom4b_tui.store.workers import WorkerInfo, WorkerRegistry
from aiom4b_tui.ui.add_book.screen import AddBookScreen
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.audio import make_from_lavfi
from tests.helpers.job_rows_data import insert_job
from tests.helpers.pilot import wait_for

NOW = datetime(2026, 5, 1, 22, 45, 0, tzinfo=UTC)
SIZE = (80, 24)


@pytest.fixture
def fixed_place_and_zone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """HOME at the test's folder and UTC as the local zone, for this test only: the zone
    is read again once the variables are restored (tzset), so later tests on the same
    xdist worker see their own zone."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
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


def make_cover(path: Path) -> None:
    """A small test-pattern PNG, made by ffmpeg."""
    make_from_lavfi(path, "testsrc=size=64x64:rate=1", "-frames:v", "1")


def show(app: AiomApp, run_before):
    """Print the screen as text after `run_before` (seen with `pytest -s`)."""

    async def wrapped(pilot) -> None:
        await run_before(pilot)
        print(screen_text(app))

    return wrapped
