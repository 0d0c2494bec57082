"""The jobs panel: the table kept true to the database, its filter, and the job keys.

The panel is drawn, saying it is loading, before the job store is open; `start` (once it
is) loads the first page and polls `JobService.changed_since` from a thread a few times a
second, repainting the rows that changed, whichever process changed them; it posts
`LogLine` for each change of status (once) and `JobsCounted` for the header. Its filter
narrows the table as you type. Its keys act on the selected job through `job_commands`,
in threads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label

from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.status import JobStatus
from aiom4b_tui.ui.jobs.changes import ChangeTracker
from aiom4b_tui.ui.jobs.filter import JobFilter
from aiom4b_tui.ui.jobs.table import PAGE_SIZE, JobTable
from aiom4b_tui.ui.messages import (
    JobsChanged,
    JobsCounted,
    JobsGone,
    JobsPageLoaded,
    JobsQueued,
    LogLine,
)
from aiom4b_tui.ui.reported import reported

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings
    from aiom4b_tui.store.jobs import JobService
    from aiom4b_tui.store.models import JobDB
    from aiom4b_tui.ui.jobs import commands as job_commands
    from aiom4b_tui.ui.store import Store

POLL_SECONDS = 0.4
FILTER_DEBOUNCE = 0.25
TEXT_FILTER_CAP = 5000
FILTER_HINT = "a status (failed, running…) and/or text"
LOADING = "loading…"  # in the title until the first page of jobs is in

Clock = Callable[[], datetime]


class JobsPanel(Vertical):
    """The jobs, newest first, with a filter line; `c` `r` `d` act on the selected one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "cancel", "Cancel"),
        Binding("r", "retry", "Retry"),
        Binding("d", "delete", "Delete"),
        Binding("slash", "filter", "Filter"),
        Binding("x", "clear_old", "Clear old", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(
        self, store: Store, settings: Settings, clock: Clock, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.settings = settings
        self.clock = clock
        self.tracker = ChangeTracker()
        self._poll_busy = False
        self._debounce: Timer | None = None
        self._started = False
        self._loaded = False  # the first page is in

    @property
    def service(self) -> JobService:
        """The job service (blocks until the store is open: call from a thread, or once
        rows are shown)."""
        return self.store.open()

    def compose(self) -> ComposeResult:
        title = f"Jobs · {LOADING}"
        yield Label(title, classes="pane-title", id="jobs-title", markup=False)
        field = Input(placeholder=f"filter: {FILTER_HINT}", id="filter", compact=True)
        field.display = False  # until `/`
        yield field
        yield JobTable(id="table")
        no_match = Label("", id="no-match", markup=False)
        no_match.display = False
        yield no_match

    @property
    def table(self) -> JobTable:
        """The table of jobs."""
        return self.query_one(JobTable)

    def start(self) -> None:
        """The job store is open: load the jobs, and poll for changes from now on."""
        if self._started:
            return
        self._started = True
        self.reload(self.table.filter)
        self.poll_now()
        self.set_interval(POLL_SECONDS, self.poll_now)

    # ---- pages ---------------------------------------------------------------------------

    def reload(self, job_filter: JobFilter) -> None:
        """Show the jobs this filter lets through, from the newest."""
        generation = self.table.start_over(job_filter)
        self._show_title()
        self._load_page(0, generation, job_filter)

    def _show_title(self) -> None:
        """`Jobs`, with the filter, and `loading…` until the first page is in."""
        job_filter = self.table.filter
        title = "Jobs" + (f" · {visible(job_filter.describe())}" if job_filter.active else "")
        if not self._loaded:
            title += f" · {LOADING}"
        self.query_one("#jobs-title", Label).update(title)

    def on_job_table_need_more(self, message: JobTable.NeedMore) -> None:
        message.stop()
        self._load_page(message.offset, self.table.generation, self.table.filter)

    @work(thread=True, group="pages", exit_on_error=False)
    @reported
    def _load_page(self, offset: int, generation: int, job_filter: JobFilter) -> None:
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
        self.post_message(JobsPageLoaded(jobs, offset, generation, complete))

    def _text_matches(self, job_filter: JobFilter) -> list[JobDB]:
        matches: list[JobDB] = []
        offset = 0
        while len(matches) < TEXT_FILTER_CAP:
            page = self.service.get_jobs(status=job_filter.status, limit=1000, offset=offset)
            matches += [job for job in page if job_filter.matches(job)]
            if len(page) < 1000:
                break
            offset += len(page)
        return matches[:TEXT_FILTER_CAP]

    def on_jobs_page_loaded(self, message: JobsPageLoaded) -> None:
        table = self.table
        if message.generation != table.generation:
            return
        first = table.awaiting_first_page
        self.tracker.know(message.jobs)
        table.add_page(message.jobs, self.clock(), complete=message.complete)
        if not self._loaded:
            self._loaded = True
            self._show_title()
        self._say_if_nothing_matches()
        if first:
            self.poll_now()  # what changed since, and the counts, at once

    def _say_if_nothing_matches(self) -> None:
        table = self.table
        empty = table.filter.active and table.complete and not table.row_count
        label = self.query_one("#no-match", Label)
        label.display = empty
        if empty:
            label.update(f"No job matches {visible(table.filter.describe())}.")

    # ---- polling -------------------------------------------------------------------------

    def poll_now(self) -> None:
        """Ask the database what changed (one ask at a time), once the table's first page
        is in: before it, every job written lately would read as news and go on top."""
        if not self._poll_busy and not self.table.awaiting_first_page:
            self._poll_busy = True
            self._poll_database()

    @work(thread=True, group="poll", exit_on_error=False)
    @reported
    def _poll_database(self) -> None:
        try:
            jobs = self.service.changed_since(self.tracker.since())
            counts = self.service.count_by_status()
        finally:
            self._poll_busy = False
        self.post_message(JobsChanged(jobs, counts))

    def on_jobs_changed(self, message: JobsChanged) -> None:
        if self.table.awaiting_first_page:
            return  # a start over since the ask: the next poll asks again from the same time
        now = self.clock()
        for text, style in self.tracker.seen(message.jobs):
            self.post_message(LogLine(text, style))
        table = self.table
        new_jobs = table.apply_changes(message.jobs, now)
        if new_jobs:
            table.put_on_top(new_jobs, now)
        table.tick(now)
        self._say_if_nothing_matches()
        self.post_message(JobsCounted(message.counts))
        if self.tracker.sweep_due(sum(message.counts.values())) and table.jobs:
            self._sweep_deleted(list(table.jobs))

    @work(thread=True, group="sweep", exclusive=True, exit_on_error=False)
    @reported
    def _sweep_deleted(self, job_ids: list[UUID]) -> None:
        gone = set(job_ids) - self.service.existing_ids(job_ids)
        if gone:
            self.post_message(JobsGone(gone))

    def on_jobs_gone(self, message: JobsGone) -> None:
        for job_id in message.job_ids:
            self.table.drop(job_id)
        self.tracker.forget(message.job_ids)

    # ---- the filter ----------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter line and type into it."""
        field = self.query_one("#filter", Input)
        field.display = True
        # At once, not after the messages already queued (`focus()` waits for them): keys
        # typed straight after `/` are the filter's, not the table's (`l` would switch panes).
        self.screen.set_focus(field)

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(FILTER_DEBOUNCE, self._apply_filter)

    def _apply_filter(self) -> None:
        job_filter = JobFilter.parse(self.query_one("#filter", Input).value)
        if job_filter != self.table.filter:
            self.reload(job_filter)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply_filter()
        field = self.query_one("#filter", Input)
        field.display = bool(field.value)
        self.table.focus()

    def action_clear_filter(self) -> None:
        """Show every job again."""
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        self._apply_filter()
        self.table.focus()

    # ---- the job keys --------------------------------------------------------------------

    def _selected(self) -> JobDB | None:
        job = self.table.selected_job()
        if job is None:
            self.notify("No job selected.", severity="warning")
        return job

    @on(DataTable.RowSelected)
    def _open_details(self, event: DataTable.RowSelected) -> None:
        event.stop()
        job = self._selected()
        if job is not None:
            from aiom4b_tui.ui.screens.job_details import JobDetailsScreen

            self.app.push_screen(JobDetailsScreen(job, self.service, self.settings, self.clock))

    def action_cancel(self) -> None:
        """Cancel the selected job: a queued one at once, a running one by its worker."""
        job = self._selected()
        if job is not None:
            from aiom4b_tui.ui.jobs import commands as job_commands

            self._run_command(job_commands.cancel_job, job)

    def action_retry(self) -> None:
        """Queue the selected failed or cancelled job again."""
        job = self._selected()
        if job is not None:
            from aiom4b_tui.ui.jobs import commands as job_commands

            self._run_command(job_commands.retry_job, job)

    @work(thread=True, group="writes", exit_on_error=False)
    @reported
    def _run_command(
        self, command: Callable[[JobService, JobDB], job_commands.Outcome], job: JobDB
    ) -> None:
        outcome = command(self.service, job)
        self.app.call_from_thread(self._tell, outcome)

    def _tell(self, outcome: job_commands.Outcome) -> None:
        """A refusal is said in the log and a note; a change shows in the table at once."""
        if outcome.refused:
            self.post_message(LogLine(outcome.text, "yellow"))
            self.notify(outcome.text, severity="warning", markup=False)
        elif outcome.job is not None and outcome.job.status is JobStatus.RUNNING:
            self.notify(outcome.text, markup=False)
        elif outcome.job is not None and outcome.job.status is JobStatus.QUEUED:
            self.post_message(JobsQueued([outcome.job]))  # a worker is needed again
        self.poll_now()

    @work(group="dialogs", exclusive=True)
    @reported
    async def action_delete(self) -> None:
        """Delete the selected job after asking."""
        from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen  # dialogs: after the first frame
        from aiom4b_tui.ui.jobs.cells import display_title

        job = self._selected()
        if job is None:
            return
        if job.status is JobStatus.RUNNING:
            self.notify("Cancel the job before deleting it.", severity="warning")
            return
        title = display_title(job)
        if await self.app.push_screen_wait(ConfirmScreen(f"Delete the job “{title}”?", "Delete")):
            self._delete(job)

    @work(thread=True, group="writes", exit_on_error=False)
    @reported
    def _delete(self, job: JobDB) -> None:
        from aiom4b_tui.ui.jobs import commands as job_commands

        outcome = job_commands.delete_job(self.service, job)
        self.app.call_from_thread(self._deleted, job, outcome)

    def _deleted(self, job: JobDB, outcome: job_commands.Outcome) -> None:
        self.table.drop(job.id)
        self.tracker.forget([job.id])
        self.post_message(LogLine(outcome.text, "yellow" if outcome.refused else ""))

    @work(group="dialogs", exclusive=True)
    @reported
    async def action_clear_old(self) -> None:
        """Remove finished jobs older than the days kept, after asking."""
        from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen  # dialogs: after the first frame

        days = self.settings.days_kept
        question = f"Clear finished jobs older than {days} days?"
        if await self.app.push_screen_wait(ConfirmScreen(question, "Clear")):
            self._clear_old(days)

    @work(thread=True, group="writes", exit_on_error=False)
    @reported
    def _clear_old(self, days: int) -> None:
        from aiom4b_tui.ui.jobs import commands as job_commands

        outcome = job_commands.clear_old_jobs(self.service, days)
        self.post_message(LogLine(outcome.text))
        self.app.call_from_thread(self.reload, self.table.filter)
