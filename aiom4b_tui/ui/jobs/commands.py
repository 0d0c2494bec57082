"""What the job keys do, through `JobService`, as one blocking call each (run in a thread).

Each returns an `Outcome`: what to tell the person, and whether it was a refusal (the
job's status does not allow it, or the job is gone). Status changes themselves reach the
log through the jobs feed, once, like changes made by any other process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from aiom4b_tui.store.jobs import JobNotFoundError, JobService, JobStateError
from aiom4b_tui.store.models import JobDB, JobStatus
from aiom4b_tui.ui.jobs.cells import display_title

JOB_PREFIX = re.compile(r"^job \S+ ")


@dataclass(frozen=True)
class Outcome:
    """What happened: `text` to show, `refused` when nothing was changed."""

    text: str
    refused: bool = False
    job: JobDB | None = None


def _refusal(title: str, error: Exception) -> Outcome:
    if isinstance(error, JobNotFoundError):
        return Outcome(f"{title}: the job no longer exists", refused=True)
    # "job <uuid> is completed; nothing to cancel" reads better with the title.
    return Outcome(f"{title} {JOB_PREFIX.sub('', str(error))}", refused=True)


def _change(job: JobDB, change: Callable[[UUID], JobDB], said: Callable[[JobDB], str]) -> Outcome:
    """Apply `change` (a JobService method taking a job id); `said` words the changed job."""
    title = display_title(job)
    try:
        changed = change(job.id)
    except (JobStateError, JobNotFoundError) as exc:
        return _refusal(title, exc)
    return Outcome(f"{title}: {said(changed)}", job=changed)


def _cancel_said(job: JobDB) -> str:
    return "stop asked of its worker" if job.status is JobStatus.RUNNING else "cancelled"


def cancel_job(service: JobService, job: JobDB) -> Outcome:
    """Cancel a queued job at once; ask a running one's worker to stop it."""
    return _change(job, service.request_cancel, _cancel_said)


def retry_job(service: JobService, job: JobDB) -> Outcome:
    """Queue a failed or cancelled job again."""
    return _change(job, service.retry, lambda _job: "queued again")


def delete_job(service: JobService, job: JobDB) -> Outcome:
    """Delete a job that is not running."""
    title = display_title(job)
    if not service.delete_job(job.id):
        return Outcome(f"{title}: the job no longer exists", refused=True)
    return Outcome(f"{title}: deleted", job=job)


def clear_old_jobs(service: JobService, days: int) -> Outcome:
    """Delete finished jobs older than `days`."""
    removed = service.clear_old_jobs(days)
    return Outcome(f"Cleared {removed} old jobs")
