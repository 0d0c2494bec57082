"""The job table kept true to the database: pages as the cursor moves, changes polled.

The app polls `JobService.changed_since` from a worker thread a few times a second and
repaints the rows that changed, whichever process changed them. A deleted row never shows
up as a change, so when the job count drops (and every few seconds anyway) the loaded
rows are checked against the database and the gone ones dropped.

A mixin of `AiomApp`: handlers go by name (`on_...`), since `@on` is only collected from
classes Textual builds itself.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from textual import work
from textual.widgets import DataTable, Label

from aiom4b_tui.core.models import JobDB, JobStatus, utcnow
from aiom4b_tui.ui.job_filter import JobFilter
from aiom4b_tui.ui.job_rows import STATUS_SYMBOLS, display_title, last_log_line
from aiom4b_tui.ui.messages import JobsChanged, JobsGone, JobsPageLoaded
from aiom4b_tui.ui.screens.job_details import JobDetailsScreen
from aiom4b_tui.ui.widgets.job_table import PAGE_SIZE, JobTable

if TYPE_CHECKING:
    from aiom4b_tui.ui.app import AiomApp

    _Base = AiomApp
else:
    _Base = object

POLL_SECONDS = 0.4
# Rows are fetched again if they changed this close to the last poll, in case a writer's
# transaction committed a moment after its updated_at was stamped.
POLL_OVERLAP = timedelta(seconds=2)
# Deleting one job and adding another between two polls keeps the count; this catches it.
SWEEP_SECONDS = 10.0
LOG_LINES_ON_SELECT = 3
TEXT_FILTER_CAP = 5000


class JobPolling(_Base):
    """Loading pages of jobs, polling for changes and deletions, following the selected log."""

    def _init_polling(self) -> None:
        self._last_seen = utcnow()  # the database's time, whatever clock the screen shows
        self._poll_busy = False
        self._statuses: dict[UUID, JobStatus] = {}
        self._shown_log: tuple[UUID | None, int] = (None, 0)
        self._last_total: int | None = None
        self._next_sweep = time.monotonic() + SWEEP_SECONDS

    # ---- pages ---------------------------------------------------------------------------

    def _reload_table(self, job_filter: JobFilter) -> None:
        generation = self.table.start_over(job_filter)
        title = "Jobs" + (f" · {job_filter.describe()}" if job_filter.active else "")
        self.query_one("#jobs-title", Label).update(title)
        self._load_page(0, generation, job_filter)

    def on_job_table_need_more(self, message: JobTable.NeedMore) -> None:
        self._load_page(message.offset, self.table.generation, self.table.filter)

    @work(thread=True, group="pages", exit_on_error=False)
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

    @property
    def main_screen_gone(self) -> bool:
        """True while the app shuts down: workers may still report, nothing to show it on."""
        return not self.table.is_attached

    def on_jobs_page_loaded(self, message: JobsPageLoaded) -> None:
        if self.main_screen_gone:
            return
        if message.generation != self.table.generation:
            return
        for job in message.jobs:
            self._statuses.setdefault(job.id, job.status)
        self.table.add_page(message.jobs, self.clock(), complete=message.complete)
        self._last_total = None  # the next poll checks the new rows still exist
        if message.offset == 0 and not self._narrow_choice_made:
            self._show_library(not message.jobs)

    # ---- polling -------------------------------------------------------------------------

    def _poll(self) -> None:
        if not self._poll_busy:
            self._poll_busy = True
            self._poll_database()

    @work(thread=True, group="poll", exit_on_error=False)
    def _poll_database(self) -> None:
        """Ask the database what changed since the last look, and the counts."""
        jobs = self.service.changed_since(self._last_seen - POLL_OVERLAP)
        counts = self.service.count_by_status()
        self.post_message(JobsChanged(jobs, counts))

    def on_jobs_changed(self, message: JobsChanged) -> None:
        self._poll_busy = False
        if self.main_screen_gone:
            return
        now = self.clock()
        if message.jobs:
            self._last_seen = max(self._last_seen, *(job.updated_at for job in message.jobs))
        for job in message.jobs:
            self._note_status(job)
        table = self.table
        new_jobs = table.apply_changes(message.jobs, now)
        if new_jobs:
            table.put_on_top(new_jobs, now)
        table.tick(now)
        self.counts_bar.show_counts(message.counts)
        self._follow_selected_log()
        self._follow_details(message.jobs, now)
        self._check_deletions(sum(message.counts.values()))

    def _check_deletions(self, total: int) -> None:
        """Sweep the loaded rows when the job count dropped, after a page came in (its rows
        may predate the count last seen), or when a sweep is due anyway."""
        due = (
            self._last_total is None
            or total < self._last_total
            or time.monotonic() >= self._next_sweep
        )
        self._last_total = total
        if due and self.table.jobs:
            self._next_sweep = time.monotonic() + SWEEP_SECONDS
            self._sweep_deleted(list(self.table.jobs))

    @work(thread=True, group="sweep", exclusive=True, exit_on_error=False)
    def _sweep_deleted(self, job_ids: list[UUID]) -> None:
        gone = set(job_ids) - self.service.existing_ids(job_ids)
        if gone:
            self.post_message(JobsGone(gone))

    def on_jobs_gone(self, message: JobsGone) -> None:
        if self.main_screen_gone:
            return
        for job_id in message.job_ids:
            self.table.drop(job_id)
            self._statuses.pop(job_id, None)

    def _note_status(self, job: JobDB) -> None:
        """Log a job's change of status, the first time it is seen in its new one."""
        before = self._statuses.get(job.id)
        self._statuses[job.id] = job.status
        if before is job.status:
            return
        symbol, word, style = STATUS_SYMBOLS[job.status]
        title = display_title(job)
        detail = ""
        if job.status is JobStatus.COMPLETED and job.output_file:
            detail = f" → {job.output_file}"
        elif job.status is JobStatus.FAILED:
            detail = f": {last_log_line(job)}"
        self.log_event(f"{symbol} {title}: {word}{detail}", style)

    def _follow_details(self, jobs: list[JobDB], now: datetime) -> None:
        screen = self.screen
        if isinstance(screen, JobDetailsScreen):
            for job in jobs:
                if job.id == screen.job.id:
                    screen.follow(job, now)

    # ---- the selected job's log in the log pane ------------------------------------------

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        if self.main_screen_gone or message.data_table is not self.table:
            return
        job = self.table.selected_job()
        if job is None or self._shown_log[0] == job.id:
            return
        lines = (job.log or "").splitlines()
        self.log_pane.job_lines(display_title(job), lines[-LOG_LINES_ON_SELECT:])
        self._shown_log = (job.id, len(lines))

    def _follow_selected_log(self) -> None:
        job = self.table.selected_job()
        if job is None or self._shown_log[0] != job.id:
            return
        lines = (job.log or "").splitlines()
        self.log_pane.job_lines(display_title(job), lines[self._shown_log[1] :])
        self._shown_log = (job.id, len(lines))
