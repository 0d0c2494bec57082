"""The jobs as the database tells them: a source, drawn nowhere, that reads pages of the
job list and what changed since its last look, in threads, and posts what it read.

The jobs panel holds one and asks it for pages (`load_page`) and for a look now
(`poll_now`); from `start` on (the store is open) it also looks by itself every
POLL_SECONDS, one look at a time, and only while `ready()` (the panel's first page is in:
before it, every job written lately would read as news). Whichever process changed a job,
it shows here. It posts `PageLoaded`, `Changed` and `Gone` for the panel, and `Counted`
(the status counts) and `StatusChanged` (one line per change of a job's status, once)
for the main screen to route to the header and the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from textual import work
from textual.message import Message
from textual.widget import Widget

from aiom4b_tui.ui.jobs.changes import ChangeTracker
from aiom4b_tui.ui.jobs.table import PAGE_SIZE
from aiom4b_tui.ui.reported import reported

if TYPE_CHECKING:  # the models come with the store, after the first frame
    from aiom4b_tui.store.jobs import JobService
    from aiom4b_tui.store.models import JobDB
    from aiom4b_tui.store.status import JobStatus
    from aiom4b_tui.ui.jobs.filter import JobFilter
    from aiom4b_tui.ui.start.store import Store

POLL_SECONDS = 0.4
TEXT_FILTER_CAP = 5000
TEXT_FILTER_PAGE = 1000


class JobFeed(Widget):
    """Reads the job list and its changes from the database and posts them."""

    @dataclass
    class PageLoaded(Message):
        """A page of the job list (newest first), for the table to append or start from.

        `generation` is the table's view the page was asked for (stale pages are
        dropped); `complete` is true when no pages follow.
        """

        jobs: list[JobDB]
        offset: int
        generation: int
        complete: bool

    @dataclass
    class Changed(Message):
        """Rows the database says changed since the last look."""

        jobs: list[JobDB]

    @dataclass
    class Gone(Message):
        """Jobs shown in the table that the database no longer has (deleted elsewhere)."""

        job_ids: set[UUID]

    @dataclass
    class Counted(Message):
        """How many jobs are in each status (with every look)."""

        counts: dict[JobStatus, int]

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, JobFeed.Counted)

    @dataclass
    class StatusChanged(Message):
        """A job's new status in words, for the log: `text` safe to show, `style` a Rich style."""

        text: str
        style: str

    def __init__(
        self,
        store: Store,
        *,
        ready: Callable[[], bool],
        shown: Callable[[], list[UUID]],
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.display = False  # nothing to draw (set here: a CSS rule is parsed at start)
        self.store = store
        self.tracker = ChangeTracker()
        self._ready = ready  # may a look be taken in now (the first page is in)?
        self._shown = shown  # the jobs the table shows, for the sweep of deleted ones
        self._busy = False
        self._started = False

    @property
    def service(self) -> JobService:
        """The job service (blocks until the store is open: call it from a thread)."""
        return self.store.open()

    def start(self) -> None:
        """Look every POLL_SECONDS from now on (the job store is open)."""
        if not self._started:
            self._started = True
            self.set_interval(POLL_SECONDS, self.poll_now)

    def forget(self, job_ids: list[UUID] | set[UUID]) -> None:
        """Jobs deleted from here: no more news about them."""
        self.tracker.forget(job_ids)

    # ---- pages ---------------------------------------------------------------------------

    @work(thread=True, group="pages", exit_on_error=False)
    @reported
    def load_page(self, offset: int, generation: int, job_filter: JobFilter) -> None:
        """Fetch one page of jobs (newest first), or every match of a text filter."""
        if job_filter.text:
            jobs = self._text_matches(job_filter)
            complete = True
        else:
            jobs = self.service.get_jobs(
                status=job_filter.status, limit=PAGE_SIZE + 1, offset=offset
            )
            complete = len(jobs) <= PAGE_SIZE
            jobs = jobs[:PAGE_SIZE]
        page = self.PageLoaded(jobs, offset, generation, complete)
        self.app.call_from_thread(self._take_page, page)

    def _text_matches(self, job_filter: JobFilter) -> list[JobDB]:
        matches: list[JobDB] = []
        offset = 0
        while len(matches) < TEXT_FILTER_CAP:
            page = self.service.get_jobs(
                status=job_filter.status, limit=TEXT_FILTER_PAGE, offset=offset
            )
            matches += [job for job in page if job_filter.matches(job)]
            if len(page) < TEXT_FILTER_PAGE:
                break
            offset += len(page)
        return matches[:TEXT_FILTER_CAP]

    def _take_page(self, page: JobFeed.PageLoaded) -> None:
        self.tracker.know(page.jobs)  # rows loaded with a page: their status is no news
        self.post_message(page)

    # ---- looks ---------------------------------------------------------------------------

    def poll_now(self) -> None:
        """Ask the database what changed (one ask at a time), once the panel is ready."""
        if not self._busy and self._ready():
            self._busy = True
            self._poll_database()

    @work(thread=True, group="poll", exit_on_error=False)
    @reported
    def _poll_database(self) -> None:
        try:
            jobs = self.service.changed_since(self.tracker.since())
            counts = self.service.count_by_status()
        finally:
            self._busy = False
        self.app.call_from_thread(self._take_changes, jobs, counts)

    def _take_changes(self, jobs: list[JobDB], counts: dict[JobStatus, int]) -> None:
        if not self._ready():
            return  # a start over since the ask: the next look asks again from the same time
        for text, style in self.tracker.seen(jobs):
            self.post_message(self.StatusChanged(text, style))
        self.post_message(self.Changed(jobs))
        self.post_message(self.Counted(counts))
        if self.tracker.sweep_due(sum(counts.values())):
            shown = self._shown()
            if shown:
                self._sweep_deleted(shown)

    @work(thread=True, group="sweep", exclusive=True, exit_on_error=False)
    @reported
    def _sweep_deleted(self, job_ids: list[UUID]) -> None:
        gone = set(job_ids) - self.service.existing_ids(job_ids)
        if gone:
            self.app.call_from_thread(self._take_gone, gone)

    def _take_gone(self, gone: set[UUID]) -> None:
        self.tracker.forget(gone)
        self.post_message(self.Gone(gone))
