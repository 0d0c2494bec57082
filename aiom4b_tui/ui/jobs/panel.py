"""The jobs panel: the table kept true to the database, its filter line, and the job keys.

The panel is drawn, saying it is loading, before the job store is open; `start` (once it
is) loads the first page. Its `JobFeed` reads the database; the panel puts what it reads
into the table (`JobFeed.PageLoaded`, `Changed`, `Gone`) and lets the rest bubble up to
the screen. Its filter narrows the table as you type. Its keys act on nothing
themselves: each posts `JobsPanel.Asked` with the selected job, for the screen to route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label

from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.jobs.actions import NO_JOB, JobAction
from aiom4b_tui.ui.jobs.feed import JobFeed
from aiom4b_tui.ui.jobs.filter import JobFilter
from aiom4b_tui.ui.jobs.table import JobTable

if TYPE_CHECKING:
    from aiom4b_tui.store.models import JobDB
    from aiom4b_tui.ui.start.store import Store

FILTER_DEBOUNCE = 0.25
FILTER_HINT = "a status (failed, running…) and/or text"
LOADING = "loading…"  # in the title until the first page of jobs is in

Clock = Callable[[], datetime]


class JobsPanel(Vertical):
    """The jobs, newest first, with a filter line; `c` `r` `d` ask to act on the selected one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "cancel", "Cancel"),
        Binding("r", "retry", "Retry"),
        Binding("d", "delete", "Delete"),
        Binding("slash", "filter", "Filter"),
        Binding("x", "clear_old", "Clear old", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    @dataclass
    class Asked(Message):
        """A job key was pressed: `action` on `job` (None for clearing old jobs)."""

        action: JobAction
        job: JobDB | None = None

    def __init__(self, store: Store, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.clock = clock
        self._debounce: Timer | None = None
        self._started = False
        self._loaded = False  # the first page is in

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
        yield JobFeed(self.store, ready=self._ready_for_news, shown=self._shown_ids)

    @property
    def table(self) -> JobTable:
        """The table of jobs."""
        return self.query_one(JobTable)

    @property
    def feed(self) -> JobFeed:
        """What reads the jobs from the database."""
        return self.query_one(JobFeed)

    def _ready_for_news(self) -> bool:
        return not self.table.awaiting_first_page

    def _shown_ids(self) -> list[UUID]:
        return list(self.table.jobs)

    def start(self) -> None:
        """The job store is open: load the jobs, and look for changes from now on."""
        if self._started:
            return
        self._started = True
        self.reload()
        self.feed.start()

    def poll_now(self) -> None:
        """Look for changes now rather than at the next look."""
        self.feed.poll_now()

    def drop(self, job_id: UUID) -> None:
        """A job deleted from here: its row goes, and no news of it comes."""
        self.table.drop(job_id)
        self.feed.forget([job_id])

    # ---- pages ---------------------------------------------------------------------------

    def reload(self, job_filter: JobFilter | None = None) -> None:
        """Show the jobs this filter (else the one shown) lets through, from the newest."""
        job_filter = self.table.filter if job_filter is None else job_filter
        generation = self.table.start_over(job_filter)
        self._show_title()
        self.feed.load_page(0, generation, job_filter)

    def _show_title(self) -> None:
        """`Jobs`, with the filter, and `loading…` until the first page is in."""
        job_filter = self.table.filter
        title = "Jobs" + (f" · {visible(job_filter.describe())}" if job_filter.active else "")
        if not self._loaded:
            title += f" · {LOADING}"
        self.query_one("#jobs-title", Label).update(title)

    def on_job_table_need_more(self, message: JobTable.NeedMore) -> None:
        message.stop()
        self.feed.load_page(message.offset, self.table.generation, self.table.filter)

    def on_job_feed_page_loaded(self, message: JobFeed.PageLoaded) -> None:
        message.stop()
        table = self.table
        if message.generation != table.generation:
            return
        first = table.awaiting_first_page
        table.add_page(message.jobs, self.clock(), complete=message.complete)
        if not self._loaded:
            self._loaded = True
            self._show_title()
        self._say_if_nothing_matches()
        if first:
            self.poll_now()  # what changed since, and the counts, at once

    def on_job_feed_changed(self, message: JobFeed.Changed) -> None:
        message.stop()
        if self.table.awaiting_first_page:
            return  # a start over since the look: its page shows the jobs as they are
        self.table.take_changes(message.jobs, self.clock())
        self._say_if_nothing_matches()

    def on_job_feed_gone(self, message: JobFeed.Gone) -> None:
        message.stop()
        for job_id in message.job_ids:
            self.table.drop(job_id)

    def _say_if_nothing_matches(self) -> None:
        table = self.table
        empty = table.filter.active and table.complete and not table.row_count
        label = self.query_one("#no-match", Label)
        label.display = empty
        if empty:
            label.update(f"No job matches {visible(table.filter.describe())}.")

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

    def _ask(self, action: JobAction) -> None:
        """Ask the screen for `action` on the selected job (a note when none is)."""
        job = self.table.selected_job() if action.needs_job else None
        if action.needs_job and job is None:
            self.notify(NO_JOB, severity="warning")
            return
        self.post_message(self.Asked(action, job))

    @on(DataTable.RowSelected)
    def _open_details(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._ask(JobAction.DETAILS)

    def action_cancel(self) -> None:
        """Cancel the selected job: a queued one at once, a running one by its worker."""
        self._ask(JobAction.CANCEL)

    def action_retry(self) -> None:
        """Queue the selected failed or cancelled job again."""
        self._ask(JobAction.RETRY)

    def action_delete(self) -> None:
        """Delete the selected job (the screen asks first)."""
        self._ask(JobAction.DELETE)

    def action_clear_old(self) -> None:
        """Remove finished jobs older than the days kept (the screen asks first)."""
        self._ask(JobAction.CLEAR_OLD)
