"""What the jobs feed remembers between looks: since when to ask, each job's last status.

No Textual here: the feed asks `since()` before a look, hands the changed rows to
`seen()`, which says which status changes to log, and asks `sweep_due()` whether to look
for rows deleted elsewhere (a deleted row never shows up as a change).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.status import JobStatus

if TYPE_CHECKING:  # the tracker is made in the first screen; the models come with the store
    from aiom4b_tui.store.models import JobDB

# Rows are fetched again if they changed this close to the last poll, in case a writer's
# transaction committed a moment after its updated_at was stamped.
POLL_OVERLAP = timedelta(seconds=2)
# Deleting one job and adding another between two polls keeps the count; this catches it.
SWEEP_SECONDS = 10.0


@functools.cache
def status_styles() -> dict[JobStatus, str]:
    """The colour of each status's line in the log."""
    return {
        JobStatus.RUNNING: "yellow",
        JobStatus.QUEUED: "cyan",
        JobStatus.COMPLETED: "green",
        JobStatus.FAILED: "bold red",
        JobStatus.CANCELLED: "magenta",
    }


def status_event(job: JobDB, before: JobStatus | None) -> str:
    """A job's new status in words: `Dune: started on vm:4121`, `Dune: failed: why`."""
    from aiom4b_tui.ui.jobs.cells import display_title, failure_reason

    title = display_title(job)
    status = job.status
    if status is JobStatus.RUNNING:
        where = f" on {visible(job.worker)}" if job.worker else ""
        return f"{title}: started{where}"
    if status is JobStatus.COMPLETED:
        output = f" → {visible(Path(job.output_file).name)}" if job.output_file else ""
        return f"{title}: done{output}"
    if status is JobStatus.FAILED:
        return f"{title}: failed: {failure_reason(job)}"
    if status is JobStatus.QUEUED:
        return f"{title}: back in the queue" if before is JobStatus.RUNNING else f"{title}: queued"
    return f"{title}: cancelled"


class ChangeTracker:
    """The poll's memory: the newest change seen, and the status each job was last seen in."""

    def __init__(self) -> None:
        self.last_seen = datetime.now(UTC)  # the database's clock, whatever the screen shows
        self.statuses: dict[UUID, JobStatus] = {}
        self._last_total: int | None = None
        self._next_sweep = time.monotonic() + SWEEP_SECONDS

    def since(self) -> datetime:
        """Ask for rows changed after this."""
        return self.last_seen - POLL_OVERLAP

    def know(self, jobs: Iterable[JobDB]) -> None:
        """Rows loaded with a page: their status is not news."""
        for job in jobs:
            self.statuses.setdefault(job.id, job.status)
        self._last_total = None  # the next poll checks the loaded rows still exist

    def seen(self, jobs: list[JobDB]) -> list[tuple[str, str]]:
        """Take in changed rows; returns (text, style) for each change of status."""
        if jobs:
            self.last_seen = max(self.last_seen, *(job.updated_at for job in jobs))
        events = []
        for job in jobs:
            before = self.statuses.get(job.id)
            self.statuses[job.id] = job.status
            if before is not job.status:
                events.append((status_event(job, before), status_styles()[job.status]))
        return events

    def sweep_due(self, total: int) -> bool:
        """True when the job count dropped, after a page came in, or every SWEEP_SECONDS."""
        now = time.monotonic()
        due = self._last_total is None or total < self._last_total or now >= self._next_sweep
        self._last_total = total
        if due:
            self._next_sweep = now + SWEEP_SECONDS
        return due

    def forget(self, job_ids: Iterable[UUID]) -> None:
        """Jobs deleted: no more news about them."""
        for job_id in job_ids:
            self.statuses.pop(job_id, None)
