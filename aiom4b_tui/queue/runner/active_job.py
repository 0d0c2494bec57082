"""What the runner keeps for each book it runs (`ActiveJob`), and why a book's task may be
cancelled (`StopReason`), which decides the status the book ends in."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import Enum
from uuid import UUID

from aiom4b_tui.store.jobs import ProgressReport
from aiom4b_tui.store.models import JobDB


class StopReason(Enum):
    """Why a book's task was cancelled; decides the status it ends in."""

    CANCEL = "cancel"  # asked for (aiom4b cancel, the TUI): -> cancelled
    STOP = "stop"  # the runner stops: -> queued again (or cancelled with requeue=False)
    HAND_BACK = "hand back"  # the queue was paused with stop: -> queued again, work kept
    LOST = "lost"  # the row is no longer ours (deleted, recovered by another): write nothing


@dataclass
class ActiveJob:
    """The runner's bookkeeping for one job it runs."""

    job_id: UUID
    title: str
    job: JobDB  # with this host's paths
    task: asyncio.Task[None] | None = None
    progress: ProgressReport | None = None
    progress_dirty: bool = False
    pending_log: list[str] = field(default_factory=list)
    stop_reason: StopReason | None = None
    finishing: bool = False
    # Its audio is made: only the mux, tags and check are left (it no longer counts
    # against the runner's books at once).
    audio_done: bool = False
    rank: int = 0  # claim order: the pool serves lower ranks first
    # Serialises this job's writes, so a log flush in flight lands before the final status.
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def take_pending_log(self) -> list[str]:
        """The log lines not written yet, handed over once (the list is emptied)."""
        lines, self.pending_log[:] = list(self.pending_log), []
        return lines
