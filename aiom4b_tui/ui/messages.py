"""Typed messages the UI's workers post back to the event loop."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from textual.message import Message

from aiom4b_tui.core.library import FolderSummary
from aiom4b_tui.core.models import JobDB, JobStatus
from aiom4b_tui.core.queue import RunnerEvent


class JobsChanged(Message):
    """Rows the database says changed since the last poll, with the status counts."""

    def __init__(self, jobs: list[JobDB], counts: dict[JobStatus, int]) -> None:
        super().__init__()
        self.jobs = jobs
        self.counts = counts


class JobsGone(Message):
    """Jobs shown in the table that the database no longer has (deleted elsewhere)."""

    def __init__(self, job_ids: set[UUID]) -> None:
        super().__init__()
        self.job_ids = job_ids


class JobsPageLoaded(Message):
    """A page of the job list (newest first), for the table to append or start from."""

    def __init__(self, jobs: list[JobDB], offset: int, generation: int, complete: bool) -> None:
        super().__init__()
        self.jobs = jobs
        self.offset = offset
        # The table's view generation the page was asked for; stale pages are dropped.
        self.generation = generation
        # True when there are no more pages after this one.
        self.complete = complete


class FolderSummarized(Message):
    """A folder's audio summary, worked out in a thread."""

    def __init__(self, path: Path, summary: FolderSummary) -> None:
        super().__init__()
        self.path = path
        self.summary = summary


class RunnerCrashed(Message):
    """The queue runner of this process stopped with an error."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class RunnerReported(Message):
    """A runner event, passed from the runner's thread to the app."""

    def __init__(self, event: RunnerEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        # Progress comes fast; a newer progress event for the same book makes an older one moot.
        return (
            isinstance(message, RunnerReported)
            and self.event.kind == "progress"
            and message.event.kind == "progress"
            and message.event.job_id == self.event.job_id
        )
