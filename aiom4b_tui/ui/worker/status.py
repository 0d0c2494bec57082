"""The header's words for the queue's workers: who converts, since when, or that none does;
and the inbox they watch.

Pure functions of the registry's rows and the pause switch, so a test can read them.
"""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.models import WorkerDB
from aiom4b_tui.store.workers import PauseMode
from aiom4b_tui.ui.text.formatting import home_label, local_time


def worker_name(worker: WorkerDB) -> str:
    """`vm:4121`: the host and pid a person can find the worker by."""
    return f"{visible(worker.host)}:{worker.pid}"


def running_words(count: int) -> str:
    """`2 running`, or `idle` when nothing is."""
    return f"{count} running" if count else "idle"


def workers_text(workers: list[WorkerDB]) -> str:
    """`worker vm:4121 since 22:41 · 2 running`; several: `2 workers · 3 running`."""
    if not workers:
        return "no worker"
    running = sum(worker.books_running for worker in workers)
    if len(workers) == 1:
        worker = workers[0]
        since = local_time(worker.started_at, with_date=False)[:5]
        return f"worker {worker_name(worker)} since {since} · {running_words(running)}"
    return f"{len(workers)} workers · {running_words(running)}"


def status_line(workers: list[WorkerDB], paused: PauseMode | None) -> str:
    """The header's worker line, the pause first: a paused queue is what matters then."""
    if paused is None:
        return workers_text(workers)
    running = sum(worker.books_running for worker in workers)
    if paused is PauseMode.FINISH and running:
        return f"⏸ paused (finishing {running})"
    return "⏸ paused"


def watching_text(workers: list[WorkerDB], width: int = 24) -> str:
    """`watching ~/Inbox` while a live worker watches an inbox; "" when none does."""
    inboxes = sorted({worker.watching for worker in workers if worker.watching})
    if not inboxes:
        return ""
    if len(inboxes) > 1:
        return f"watching {len(inboxes)} inboxes"
    return f"watching {home_label(Path(inboxes[0]), width)}"
