"""Typed messages the UI's workers post back to the event loop."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from aiom4b_tui.core.library import FolderSummary
from aiom4b_tui.core.models import JobDB, JobStatus


class JobsChanged(Message):
    """Rows the database says changed since the last poll, with the status counts."""

    def __init__(self, jobs: list[JobDB], counts: dict[JobStatus, int]) -> None:
        super().__init__()
        self.jobs = jobs
        self.counts = counts


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


@dataclass(frozen=True)
class RunnerNote:
    """Something the queue runner reported: a status change, a log line, progress."""

    title: str
    kind: str
    message: str


class RunnerReported(Message):
    """A runner event, passed from the runner's thread to the app."""

    def __init__(self, note: RunnerNote) -> None:
        super().__init__()
        self.note = note

    def can_replace(self, message: Message) -> bool:
        # Progress comes fast; a newer progress note for the same book makes an older one moot.
        return (
            isinstance(message, RunnerReported)
            and self.note.kind == "progress"
            and message.note.kind == "progress"
            and message.note.title == self.note.title
        )
