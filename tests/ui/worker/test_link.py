"""The worker keys: `p` pauses (running books finish, or stop now) and resumes, `S` stops
everything after saying what happens; the header shows the worker row and the pause.

The worker here is a row in the registry, written as a live worker writes it: the app
reads the registry, so that is what it shows and acts on. No worker process is started:
the link is checked to start one while the queue is paused only when an inbox is to be
watched, with the start counted instead of made."""

from __future__ import annotations

import pytest

from aiom4b_tui.store.models import WorkerDB
from aiom4b_tui.store.workers import PauseMode, WorkerInfo, WorkerRegistry
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen
from aiom4b_tui.ui.dialogs.pause import PauseScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.pilot import wait_for, wait_for_work


def register_worker(service, books_running: int = 1) -> WorkerRegistry:
    registry = WorkerRegistry(service.db)
    registry.register(WorkerInfo("vm:4121", "vm", 4121, books_at_once=2, ffmpeg_processes=2))
    registry.beat("vm:4121", books_running)
    return registry


def make_app(settings, library) -> AiomApp:
    return create_app(settings, library, start_worker=False)


def header(app: AiomApp) -> str:
    return app.main_screen.header.worker_line


async def open_pause_dialog(pilot, app: AiomApp) -> None:
    """Once the header shows the worker, `p` opens the pause dialog."""
    await wait_for(pilot, lambda: header(app).startswith("worker"))
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen))


@pytest.mark.ui
async def test_the_header_shows_the_worker_and_its_books(settings, library, service):
    register_worker(service, books_running=2)
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: header(app).startswith("worker vm:4121 since "))
        assert header(app).endswith(" · 2 running")
        assert "worker vm:4121 since" in screen_text(app).splitlines()[0]


@pytest.mark.ui
async def test_no_worker_is_said(settings, library):
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: header(app) == "no worker")


@pytest.mark.ui
async def test_pause_letting_running_books_finish_then_resume(settings, library, service):
    registry = register_worker(service, books_running=1)
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pause_dialog(pilot, app)
        await wait_for(pilot, lambda: "resume from their finished segments" in screen_text(app))
        await pilot.press("f")
        await wait_for(pilot, lambda: registry.pause_mode() is PauseMode.FINISH)
        await wait_for(pilot, lambda: header(app) == "⏸ paused (finishing 1)")
        await pilot.press("p")  # paused: `p` resumes, no question
        await wait_for(pilot, lambda: registry.pause_mode() is None)
        await wait_for(pilot, lambda: header(app).startswith("worker vm:4121"))
        assert "queue resumed" in app.main_screen.log_pane.text()


@pytest.mark.ui
async def test_pause_stopping_running_books_now(settings, library, service):
    registry = register_worker(service, books_running=1)
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pause_dialog(pilot, app)
        await pilot.press("s")
        await wait_for(pilot, lambda: registry.pause_mode() is PauseMode.STOP)
        await wait_for(pilot, lambda: header(app) == "⏸ paused")
        assert "queue paused: running books stop" in app.main_screen.log_pane.text()


@pytest.mark.ui
async def test_escape_leaves_the_queue_running(settings, library, service):
    registry = register_worker(service)
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main_screen)
        await wait_for_work(pilot, "worker-control")  # the pause flow has ended
        assert registry.pause_mode() is None


@pytest.mark.ui
async def test_stop_everything_says_what_happens_then_asks_the_workers(settings, library, service):
    register_worker(service)
    app = make_app(settings, library)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: header(app).startswith("worker"))
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await wait_for(pilot, lambda: "Stop everything?" in screen_text(app))
        assert "go back to the queue" in screen_text(app)
        await pilot.press("n")  # no: nothing asked
        await wait_for(pilot, lambda: app.screen is app.main_screen)
        with service.db.session() as session:
            assert not session.get(WorkerDB, "vm:4121").stop_requested
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: "stop asked of 1 worker" in app.main_screen.log_pane.text())
        with service.db.session() as session:
            assert session.get(WorkerDB, "vm:4121").stop_requested


def test_no_worker_is_started_while_the_queue_is_paused(settings, service):
    from aiom4b_tui.queue.control.lock import lock_holder
    from aiom4b_tui.ui.worker.link import WorkerLink

    WorkerRegistry(service.db).pause(PauseMode.FINISH)
    link = WorkerLink(service.db, settings.data_dir)
    assert link.ensure() is None
    assert lock_holder(settings.data_dir) is None
    assert WorkerLink(service.db, settings.data_dir, autostart=False).ensure() is None


def test_a_paused_queue_with_an_inbox_to_watch_still_gets_a_worker(
    settings, service, monkeypatch: pytest.MonkeyPatch
):
    from aiom4b_tui.queue.control import spawn
    from aiom4b_tui.store.workers import InboxRequest
    from aiom4b_tui.ui.worker.link import WorkerLink

    started: list = []
    gone_pid = 2**22 + 1  # above pid_max: a worker that ended at once

    def ensure_worker(data_dir):  # what would start one, counted instead
        started.append(data_dir)
        return gone_pid

    monkeypatch.setattr(spawn, "ensure_worker", ensure_worker)
    link = WorkerLink(service.db, settings.data_dir)
    registry = WorkerRegistry(service.db)
    registry.pause(PauseMode.FINISH)
    assert link.ensure() is None and started == []  # paused, nothing to watch
    link.watch_inbox(settings.data_dir, 5.0)
    assert link.inbox_request() == InboxRequest(str(settings.data_dir), 5.0)
    assert link.ensure() == gone_pid and started == [settings.data_dir]
    link.stop_watching()
    assert link.inbox_request() is None and link.ensure() is None
