"""Typed messages between the UI's rooms: widgets post them, the main screen routes them.

Dataclasses subclassing `Message` (as Toolong does); the ones that come fast and only
matter in their newest form (`can_replace`) let Textual drop an older one still queued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from textual.message import Message

if TYPE_CHECKING:  # names for the fields only: the screen's first frame needs none of them
    from aiom4b_tui.engine.sources.folder_summary import FolderSummary
    from aiom4b_tui.store.jobs import JobService
    from aiom4b_tui.store.models import JobDB, JobStatus, WorkerDB
    from aiom4b_tui.store.workers import PauseMode


@dataclass
class LogLine(Message):
    """One line for the log pane: `text` already made safe, `style` a Rich style."""

    text: str
    style: str = ""


@dataclass
class WorkFailed(Message):
    """A thread worker of some room failed; bubbles up to the app's one error handler."""

    where: str
    error: Exception


@dataclass
class JobsCounted(Message):
    """How many jobs are in each status (from the jobs panel's poll)."""

    counts: dict[JobStatus, int]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobsCounted)


@dataclass
class JobsQueued(Message):
    """Jobs were queued from this app (the add dialog, the inbox): a worker is needed."""

    jobs: list[JobDB]


@dataclass
class AddRequested(Message):
    """Folders to add: each inner list becomes one book, in that order."""

    books: list[list[Path]]


@dataclass
class JobsChanged(Message, bubble=False):
    """Rows the database says changed since the last poll, with the status counts."""

    jobs: list[JobDB]
    counts: dict[JobStatus, int]


@dataclass
class JobsGone(Message, bubble=False):
    """Jobs shown in the table that the database no longer has (deleted elsewhere)."""

    job_ids: set[UUID]


@dataclass
class JobsPageLoaded(Message, bubble=False):
    """A page of the job list (newest first), for the table to append or start from.

    `generation` is the table's view the page was asked for (stale pages are dropped);
    `complete` is true when no pages follow.
    """

    jobs: list[JobDB]
    offset: int
    generation: int
    complete: bool


@dataclass
class JobFetched(Message, bubble=False):
    """The newest state of the job a details screen follows (None: it was deleted)."""

    job: JobDB | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobFetched)


@dataclass
class FolderSummarized(Message, bubble=False):
    """A folder's audio summary, worked out in a thread."""

    path: Path
    summary: FolderSummary


@dataclass
class FoldersChanged(Message, bubble=False):
    """The folder tree's root (or an open folder in it) changed on disk."""

    paths: list[Path] = field(default_factory=list)

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FoldersChanged)


@dataclass
class WorkersSeen(Message, bubble=False):
    """The live workers and the queue's pause switch, read from the registry."""

    workers: list[WorkerDB]
    paused: PauseMode | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WorkersSeen)


@dataclass
class StoreOpened(Message, bubble=False):
    """The job store is open (after the first screen): the rooms may read it now."""

    service: JobService


@dataclass
class StoreFailed(Message, bubble=False):
    """The job store could not be opened (the app ends and says why)."""

    error: Exception
