"""Snapshots at 80x24 of the main screen (with its worker line), a failed row with its
reason, the paused queue, jobs from two hosts, the library shown and the job details (the
add dialog's: tests/ui/add_book/test_snapshots.py).

Deterministic: jobs written with fixed ids and times, a worker row registered with a fixed
start, a fixed clock, UTC as the local zone, HOME at the test's folder (so the library
reads `~/Audiobooks`). No worker is started: the registry row is the worker shown.
"""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import UUID

import pytest

from aiom4b_tui.store.models import JobStatus, JobUpdate
from aiom4b_tui.store.workers import PauseMode, WorkerRegistry
from aiom4b_tui.ui.screens.job_details import JobDetailsScreen
from tests.helpers.job_rows_data import insert_job
from tests.helpers.pilot import focus, wait_for
from tests.helpers.snapshots import (
    NOW,
    SIZE,
    add_sample_jobs,
    add_worker,
    mounted,
    settle,
    show,
    snapshot_app,
)

pytestmark = [pytest.mark.ui, pytest.mark.usefixtures("fixed_place_and_zone")]


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
