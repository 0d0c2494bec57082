"""What the queue runner keeps per job and announces: `RunnerEvent`, `ActiveJob`,
the reasons a job's task is cancelled, and the progress text."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from uuid import UUID

from aiom4b_tui.store.jobs import ProgressReport
from aiom4b_tui.store.models import JobDB, JobStatus

# Why a job's task was cancelled; decides the status it ends in.
CANCEL = "cancel"  # asked for (aiom4b cancel, the TUI): -> cancelled
STOP = "stop"  # the runner stops: -> queued again (or cancelled with requeue=False)
HAND_BACK = "hand back"  # the queue was paused with stop: -> queued again, work kept
LOST = "lost"  # the row is no longer ours (deleted, recovered by another): write nothing


@dataclass(frozen=True)
class RunnerEvent:
    """Something that happened to a job, announced after it is in the database.

    kind: "status" (message: the new status's line), "progress" or "log".
    """

    job_id: UUID
    title: str
    kind: str
    message: str
    status: JobStatus | None = None  # for kind "status": the status entered
    progress: float | None = None  # for kind "progress": the fraction done


@dataclass
class ActiveJob:
    """The runner's bookkeeping for one job it runs."""

    job_id: UUID
    title: str
    job: JobDB
    task: asyncio.Task[None] | None = None
    progress: ProgressReport | None = None
    progress_dirty: bool = False
    pending_log: list[str] = field(default_factory=list)
    stop_reason: str | None = None
    finishing: bool = False
    # Its audio is made: only the mux, tags and check are left (it no longer counts
    # against the runner's books at once).
    audio_done: bool = False
    rank: int = 0  # claim order: the pool serves lower ranks first
    # Serialises this job's writes, so a log flush in flight lands before the final status.
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def progress_text(report: ProgressReport) -> str:
    """How far a job is, as the runner announces it: "42% 140× eta 30s"."""
    parts = [f"{report.fraction:.0%}"]
    if report.speed:
        parts.append(f"{report.speed:.0f}×")
    if report.eta_seconds is not None:
        parts.append(f"eta {report.eta_seconds:.0f}s")
    return " ".join(parts)
