"""Typed messages between the UI's rooms: widgets post them, the main screen routes them.

Plain `Message` subclasses that set their fields in `__init__`: all of them are imported
before the first frame, and as dataclasses they took ~8 ms to create (about 0.6 ms
each). The ones that come fast and only matter in their newest form (`can_replace`) let
Textual drop an older one still queued.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from textual.message import Message

if TYPE_CHECKING:  # names for the fields only: the screen's first frame needs none of them
    from aiom4b_tui.core.jobs import JobService
    from aiom4b_tui.core.library import FolderSummary
    from aiom4b_tui.core.models import JobDB, JobStatus, WorkerDB
    from aiom4b_tui.core.worker_registry import PauseMode


class LogLine(Message):
    """One line for the log pane: `text` already made safe, `style` a Rich style."""

    def __init__(self, text: str, style: str = "") -> None:
        super().__init__()
        self.text = text
        self.style = style


class WorkFailed(Message):
    """A thread worker of some room failed; bubbles up to the app's one error handler."""

    def __init__(self, where: str, error: Exception) -> None:
        super().__init__()
        self.where = where
        self.error = error


class JobsCounted(Message):
    """How many jobs are in each status (from the jobs panel's poll)."""

    def __init__(self, counts: dict[JobStatus, int]) -> None:
        super().__init__()
        self.counts = counts

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobsCounted)


class JobsQueued(Message):
    """Jobs were queued from this app (the add dialog, the inbox): a worker is needed."""

    def __init__(self, jobs: list[JobDB]) -> None:
        super().__init__()
        self.jobs = jobs


class AddRequested(Message):
    """Folders to add: each inner list becomes one book, in that order."""

    def __init__(self, books: list[list[Path]]) -> None:
        super().__init__()
        self.books = books


class JobsChanged(Message, bubble=False):
    """Rows the database says changed since the last poll, with the status counts."""

    def __init__(self, jobs: list[JobDB], counts: dict[JobStatus, int]) -> None:
        super().__init__()
        self.jobs = jobs
        self.counts = counts


class JobsGone(Message, bubble=False):
    """Jobs shown in the table that the database no longer has (deleted elsewhere)."""

    def __init__(self, job_ids: set[UUID]) -> None:
        super().__init__()
        self.job_ids = job_ids


class JobsPageLoaded(Message, bubble=False):
    """A page of the job list (newest first), for the table to append or start from.

    `generation` is the table's view the page was asked for (stale pages are dropped);
    `complete` is true when no pages follow.
    """

    def __init__(self, jobs: list[JobDB], offset: int, generation: int, complete: bool) -> None:
        super().__init__()
        self.jobs = jobs
        self.offset = offset
        self.generation = generation
        self.complete = complete


class JobFetched(Message, bubble=False):
    """The newest state of the job a details screen follows (None: it was deleted)."""

    def __init__(self, job: JobDB | None) -> None:
        super().__init__()
        self.job = job

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobFetched)


class FolderSummarized(Message, bubble=False):
    """A folder's audio summary, worked out in a thread."""

    def __init__(self, path: Path, summary: FolderSummary) -> None:
        super().__init__()
        self.path = path
        self.summary = summary


class FoldersChanged(Message, bubble=False):
    """The folder tree's root (or an open folder in it) changed on disk."""

    def __init__(self, paths: list[Path] | None = None) -> None:
        super().__init__()
        self.paths = paths if paths is not None else []

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FoldersChanged)


class WorkersSeen(Message, bubble=False):
    """The live workers and the queue's pause switch, read from the registry."""

    def __init__(self, workers: list[WorkerDB], paused: PauseMode | None) -> None:
        super().__init__()
        self.workers = workers
        self.paused = paused

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WorkersSeen)


class StoreOpened(Message, bubble=False):
    """The job store is open (after the first screen): the rooms may read it now."""

    def __init__(self, service: JobService) -> None:
        super().__init__()
        self.service = service


class StoreFailed(Message, bubble=False):
    """The job store could not be opened (the app ends and says why)."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
