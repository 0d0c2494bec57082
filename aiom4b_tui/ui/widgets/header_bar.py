"""The top line: the app's name, the queue's workers (or the pause), the inbox a live
worker watches, and how many jobs wait, are done or failed.

The bar reads the worker registry itself, in a thread, every WORKERS_SECONDS from when
the job store is open (`start`); the job counts come from the jobs feed's looks, routed
here by the main screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from aiom4b_tui.store.status import JobStatus
from aiom4b_tui.ui.reported import reported

if TYPE_CHECKING:
    from aiom4b_tui.store.models import WorkerDB
    from aiom4b_tui.store.workers import PauseMode
    from aiom4b_tui.ui.worker.link import WorkerLink

WORKERS_SECONDS = 1.0


def counts_text(counts: dict[JobStatus, int]) -> str:
    """`3 queued · 41 done` (failed only when there are some); the running ones are
    told by the worker line."""
    shown = ((JobStatus.QUEUED, "queued"), (JobStatus.COMPLETED, "done"))
    parts = [f"{counts.get(status, 0)} {word}" for status, word in shown]
    if counts.get(JobStatus.FAILED):
        parts.append(f"{counts[JobStatus.FAILED]} failed")
    return " · ".join(parts)


class HeaderBar(Horizontal):
    """`aiom4b`, the worker line, the watched inbox (while watched) and the job counts."""

    def __init__(self, worker_link: WorkerLink, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.worker_link = worker_link
        self.worker_line = ""
        self.inbox_line = ""
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Label("aiom4b", id="app-name")
        yield Label("", id="worker-line", markup=False)
        inbox = Label("", id="inbox", markup=False)
        inbox.display = False  # until a worker watches an inbox
        yield inbox
        yield Label("", id="counts", markup=False)

    def start(self) -> None:
        """Read the registry now and every WORKERS_SECONDS (the job store is open)."""
        self.poll_workers()
        self.set_interval(WORKERS_SECONDS, self.poll_workers)

    def poll_workers(self) -> None:
        """Read the registry now (one read at a time)."""
        if not self._busy:
            self._busy = True
            self._read_registry()

    @work(thread=True, group="workers", exit_on_error=False)
    @reported
    def _read_registry(self) -> None:
        try:
            workers = self.worker_link.live_workers()
            paused = self.worker_link.pause_mode()
        finally:
            self._busy = False
        self.app.call_from_thread(self.show_workers, workers, paused)

    def show_workers(self, workers: list[WorkerDB], paused: PauseMode | None) -> None:
        """Show the live workers, the pause and the inbox they watch."""
        from aiom4b_tui.ui.worker.status import status_line, watching_text

        text = status_line(workers, paused)
        if text != self.worker_line:
            self.worker_line = text
            label = self.query_one("#worker-line", Label)
            label.update(text)
            label.set_class(paused is not None, "-paused")
        inbox = watching_text(workers)
        if inbox != self.inbox_line:
            self.inbox_line = inbox
            label = self.query_one("#inbox", Label)
            label.display = bool(inbox)
            label.update(inbox)

    def show_counts(self, counts: dict[JobStatus, int]) -> None:
        """Show fresh job counts."""
        text = counts_text(counts)
        label = self.query_one("#counts", Label)
        if text != str(label.content):  # an unchanged label need not be laid out again
            label.update(text)
