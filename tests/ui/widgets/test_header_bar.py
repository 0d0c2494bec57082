"""The top line: the worker line read from the registry (the pause first), the inbox a
live worker watches (only then), and the job counts (failed ones only when there are)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from aiom4b_tui.store.models import JobStatus
from aiom4b_tui.store.workers import PauseMode, WorkerInfo, WorkerRegistry
from aiom4b_tui.ui.text.screen_text import screen_text
from aiom4b_tui.ui.widgets.header_bar import HeaderBar, counts_text
from aiom4b_tui.ui.worker.link import WorkerLink
from tests.helpers.pilot import wait_for


def test_the_counts_in_words():
    assert counts_text({}) == "0 queued · 0 done"
    counts = {JobStatus.QUEUED: 3, JobStatus.COMPLETED: 41, JobStatus.RUNNING: 2}
    assert counts_text(counts) == "3 queued · 41 done"
    assert counts_text(counts | {JobStatus.FAILED: 1}) == "3 queued · 41 done · 1 failed"


class HeaderApp(App[None]):
    def __init__(self, link: WorkerLink) -> None:
        super().__init__()
        self.link = link

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.link, id="top")


@pytest.mark.ui
async def test_the_workers_the_pause_the_inbox_and_the_counts(
    settings, service, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path))
    registry = WorkerRegistry(service.db)
    app = HeaderApp(WorkerLink(service.db, settings.data_dir, autostart=False))
    async with app.run_test(size=(80, 3)) as pilot:
        header = app.query_one(HeaderBar)
        assert header.worker_line == ""  # not started: the store may be shut
        header.start()
        await wait_for(pilot, lambda: header.worker_line == "no worker")
        registry.register(WorkerInfo("vm:1", "vm", 1, books_at_once=1, ffmpeg_processes=1))
        registry.set_watching("vm:1", str(tmp_path / "Inbox"))
        header.poll_workers()
        await wait_for(pilot, lambda: header.inbox_line == "watching ~/Inbox")
        assert header.worker_line.startswith("worker vm:1 since ")
        registry.pause(PauseMode.STOP)
        header.poll_workers()
        await wait_for(pilot, lambda: header.worker_line == "⏸ paused")
        header.show_counts({JobStatus.QUEUED: 2})
        await wait_for(pilot, lambda: "2 queued · 0 done" in screen_text(app))
        assert "watching ~/Inbox" in screen_text(app)
        registry.unregister("vm:1")  # the worker went: nobody watches
        header.poll_workers()
        await wait_for(pilot, lambda: header.inbox_line == "")
        await wait_for(pilot, lambda: "watching" not in screen_text(app))
