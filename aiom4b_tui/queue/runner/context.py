"""What the parts of a QueueRunner share: its database and settings, the books it runs,
its lease, its view of the hosts' paths and its books' work folders, the flags of its
stop, and where it announces what happened (`emit`).

The parts: queue/runner/claims.py (claiming), queue/runner/book_task.py (one book's run
and its recorded end), queue/runner/beat.py (the periodic look at the database),
queue/runner/upkeep.py (clearing and recovery); queue/runner/runner.py puts them together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from aiom4b_tui.config.settings import Settings
from aiom4b_tui.queue.runner.active_job import ActiveJob, StopReason
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.queue.runner.lease import LeaseGuard
from aiom4b_tui.queue.visibility import JobVisibility
from aiom4b_tui.queue.work_folders import WorkFolders
from aiom4b_tui.store.jobs import JobService

_log = logging.getLogger(__name__)


@dataclass
class RunnerContext:
    """The state a runner's parts read and change together (one per QueueRunner)."""

    service: JobService
    settings: Settings
    worker_id: str
    lease: LeaseGuard
    visibility: JobVisibility
    work_folders: WorkFolders
    on_event: Callable[[RunnerEvent], None] | None = None
    active: dict[UUID, ActiveJob] = field(default_factory=dict)
    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    # What stop() does to the running books: queue them again, or cancel them.
    requeue_on_stop: bool = True

    def title_of(self, job_id: UUID) -> str:
        """The title of a running job ("" when it is not running here)."""
        active = self.active.get(job_id)
        return active.title if active else ""

    def cancel(self, active: ActiveJob, reason: StopReason) -> None:
        """Cancel a book's task (unless it is already recording its end); the first
        reason given decides how it ends."""
        if active.finishing or active.task is None or active.task.done():
            return
        if active.stop_reason is None:
            active.stop_reason = reason
        active.task.cancel()

    def cancel_all(self, reason: StopReason) -> None:
        """cancel() every running book."""
        for active in list(self.active.values()):
            self.cancel(active, reason)

    def emit(self, event: RunnerEvent) -> None:
        """Announce an event (already in the database) to `on_event`; a failing
        callback is logged, never raised into the runner."""
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except Exception:
            _log.exception("an on_event callback failed")
