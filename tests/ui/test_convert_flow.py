"""The whole way through with a real worker: the TUI queues a book and starts a detached
`aiom4b worker` (real ffmpeg, real SQLite); quitting the TUI does not touch it; the worker
finishes the book, exits when idle, and leaves no ffmpeg behind. Cancel acts on a book the
worker converts. The TUI asks for an inbox to be watched: the worker it starts watches it
(the header says so), makes the book dropped there, stays while it watches, and goes once
asked to stop watching."""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

from aiom4b_tui.queue.control.lock import lock_holder
from aiom4b_tui.queue.control.worker_id import pid_alive
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobDB, JobOptions, JobStatus
from aiom4b_tui.store.workers import WorkerRegistry
from aiom4b_tui.ui.add_book.screen import AddBookScreen
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen
from aiom4b_tui.ui.dialogs.prompt import PromptScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.audio import make_mp3
from tests.helpers.pilot import focus, wait_for
from tests.helpers.workers import processes_mentioning

pytestmark = [pytest.mark.ui, pytest.mark.integration]

IDLE_EXIT = 2
STARTED = re.compile(r"worker started \(pid (\d+), log: (.+worker\.log)\)")


@pytest.fixture(autouse=True)
def quick_idle_exit(monkeypatch: pytest.MonkeyPatch, settings, service):
    """Workers started by these tests exit 2 s after the queue empties; any still there
    at the end are asked to stop."""
    monkeypatch.setenv("AIOM4B_WORKER_IDLE_EXIT", str(IDLE_EXIT))
    yield
    WorkerRegistry(service.db).request_stop()
    deadline = time.monotonic() + 30
    while lock_holder(settings.data_dir) is not None and time.monotonic() < deadline:
        time.sleep(0.2)


def started_worker(app: AiomApp) -> int:
    """The pid the log pane says the app's worker was started with (0: not yet)."""
    found = STARTED.search(app.main_screen.log_pane.text())
    return int(found.group(1)) if found else 0


def wait_until(condition, timeout: float, step: float = 0.2) -> None:
    """Poll `condition` (outside any app) until true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout} s"
        time.sleep(step)


@pytest.fixture
def long_job(library, service) -> JobDB:
    """A queued job for a book of three ten-minute files: long enough to act on mid-way
    (two-minute files were done in 2 s, before the test's key arrived)."""
    long_book = library / "Long"
    make_mp3(long_book / "01.mp3", 600.0)
    for n in (2, 3):  # copies: one encode instead of three
        shutil.copyfile(long_book / "01.mp3", long_book / f"{n:02d}.mp3")
    # The native encoder: libfdk_aac, where ffmpeg has it, could finish it too soon.
    options = JobOptions(encoder="aac")
    return service.create_job(JobCreate(input_folders=[long_book], options=options))


async def test_a_book_added_in_the_tui_is_finished_by_the_worker_after_quitting(
    settings, library, service: JobService, tmp_path: Path
):
    app = create_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("space", "a")  # mark Dune, add it
        await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
        await wait_for(pilot, lambda: app.screen.preview is not None)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: started_worker(app), timeout=40)
        pid = started_worker(app)
        log = app.main_screen.log_pane.text()
        assert log.count("worker started") == 1
        assert f"log: {settings.data_dir / 'worker.log'})" in log
        await wait_for(pilot, lambda: "worker " in app.main_screen.header.worker_line, timeout=15)
        await pilot.press("q")  # at once: nothing converts in this process
        await wait_for(pilot, lambda: app.return_code == 0, timeout=5)
    assert pid_alive(pid)  # the worker carries on without the app
    job = service.get_jobs()[0]
    await asyncio.to_thread(
        wait_until, lambda: service.get_job(job.id).status.finished, timeout=120
    )
    done = service.get_job(job.id)
    assert done.status is JobStatus.COMPLETED, done.log
    assert done.output_file and Path(done.output_file).is_file()
    assert Path(done.output_file).stat().st_size > 0
    # Idle for IDLE_EXIT seconds with an empty queue: the worker goes, with its lock.
    await asyncio.to_thread(wait_until, lambda: not pid_alive(pid), timeout=30)
    assert lock_holder(settings.data_dir) is None
    assert WorkerRegistry(service.db).live_workers() == []
    assert processes_mentioning(str(tmp_path)) == []  # no ffmpeg (nor anything) left


async def test_cancel_a_book_the_worker_converts(settings, library, service, long_job):
    job = long_job
    app = create_app(settings, library)  # a job is queued: the app starts a worker
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "● running" in screen_text(app), timeout=60)
        await focus(pilot, app.main_screen.jobs.table)
        await pilot.press("c")
        await wait_for(pilot, lambda: "⊘ cancelled" in screen_text(app), timeout=60)
        assert service.get_job(job.id).status is JobStatus.CANCELLED
        await wait_for(pilot, lambda: "Long: cancelled" in app.main_screen.log_pane.text())


def beat_after(service: JobService, moment) -> bool:
    """True once the (one) live worker's heartbeat is later than `moment`."""
    workers = WorkerRegistry(service.db).live_workers()
    return bool(workers) and workers[0].heartbeat > moment


async def test_the_worker_watches_the_inbox_the_tui_asks_for(
    settings, library, service: JobService, tmp_path: Path
):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    app = create_app(settings, library, inbox_settle=0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        header = app.main_screen.header
        await wait_for(pilot, lambda: header.worker_line == "no worker", timeout=15)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one("#answer", Input).value = str(inbox)
        await pilot.press("enter")
        # Asked in the database: a worker is started for it and says it watches.
        await wait_for(pilot, lambda: started_worker(app), timeout=40)
        pid = started_worker(app)
        await wait_for(pilot, lambda: header.inbox_line.startswith("watching "), timeout=30)
        assert header.inbox_line.endswith("/inbox")
        assert WorkerRegistry(service.db).live_workers()[0].watching == str(inbox.resolve())

        staging = tmp_path / "staging" / "Persuasion"
        make_mp3(staging / "01.mp3", 1.0, album="Persuasion")
        shutil.move(staging, inbox / "Persuasion")  # dropped in whole, as a copy would end
        log = app.main_screen.log_pane
        await wait_for(pilot, lambda: "Persuasion: done" in log.text(), timeout=120)
        job = service.get_jobs()[0]
        assert job.folders() == [inbox.resolve() / "Persuasion"]
        assert "queued from the watched inbox" in job.log
        assert Path(service.get_job(job.id).output_file).is_file()

        # Nothing queued or running for longer than its idle time: while it watches, the
        # worker stays (it beats on past the moment it would have left).
        idle_over = service.get_job(job.id).end_time + timedelta(seconds=IDLE_EXIT + 2)
        await wait_for(pilot, lambda: beat_after(service, idle_over), timeout=30)
        assert pid_alive(pid)

        await pilot.press("w")  # watched: `w` offers to stop
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: header.inbox_line == "", timeout=15)
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code == 0, timeout=5)
    assert WorkerRegistry(service.db).inbox_request() is None
    # No longer watching, the worker is idle: it goes after its idle time.
    await asyncio.to_thread(wait_until, lambda: not pid_alive(pid), timeout=30)
    assert lock_holder(settings.data_dir) is None
    assert processes_mentioning(str(tmp_path)) == []
