"""The job queue: a DataTable with one row per job, newest first, updated in place.

Rows are keyed by job id. An update compares a row's new cells with the ones shown and
repaints only those that changed, without re-measuring columns (their widths are fixed).
The table holds pages of the job list and asks for the next one as the cursor nears its end.
Once its rows name more than one host, it gains a Host column (for good: a queue worked
by several hosts stays one). The rows' text (`job_rows`, with the job models) is imported
when the first rows come: the empty table is part of the app's first screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from aiom4b_tui.store.status import JobStatus
from aiom4b_tui.ui.jobs.columns import Column, columns_for
from aiom4b_tui.ui.jobs.filter import JobFilter

if TYPE_CHECKING:
    from aiom4b_tui.store.models import JobDB
    from aiom4b_tui.ui.jobs.cells import Cells

PAGE_SIZE = 200
# Ask for the next page when the cursor is this close to the last loaded row.
PAGE_AHEAD = 60


class JobTable(DataTable):
    """Jobs newest first, keyed by job id; the keys that act on them are the panel's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Details", key_display="⏎"),
        Binding("home", "first_job", "First", show=False),
        Binding("end", "last_job", "Last", show=False),
    ]

    @dataclass
    class NeedMore(Message):
        """The cursor nears the last loaded row and more jobs exist (from `offset` on)."""

        offset: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.jobs: dict[UUID, JobDB] = {}
        self._cells: dict[UUID, Cells] = {}
        self.filter = JobFilter()
        self.generation = 0
        self.complete = False
        self._waiting_for_page = False
        self._to_last = False  # End was pressed: follow the pages to the last job
        self.hosts: set[str] = set()  # the hosts named by the rows seen so far
        self.with_host = False

    @property
    def layout(self) -> tuple[Column, ...]:
        """The columns shown."""
        return columns_for(self.with_host)

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        for column in self.layout:
            # As Text: a str heading is parsed as markup, which loads Rich's emoji table
            # (~4 ms) before the first frame.
            self.add_column(Text(column.label), width=column.width, key=column.key)

    @property
    def awaiting_first_page(self) -> bool:
        """True from a start over until its first page is in (polls wait for it)."""
        return self._waiting_for_page and not self.jobs

    def selected_job(self) -> JobDB | None:
        """The job under the cursor, if any."""
        if not self.row_count:
            return None
        row_key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return self.jobs.get(UUID(row_key.value)) if row_key.value else None

    def start_over(self, job_filter: JobFilter) -> int:
        """Empty the table for a new filter; returns the generation its pages must carry."""
        self.filter = job_filter
        self.generation += 1
        self.complete = False
        self._waiting_for_page = True
        self._to_last = False
        self.jobs.clear()
        self._cells.clear()
        self.clear()
        return self.generation

    def add_page(self, jobs: list[JobDB], now: datetime, *, complete: bool) -> None:
        """Append a page of older jobs (ones already shown are skipped)."""
        self.complete = complete
        for job in jobs:
            if job.id not in self.jobs:
                self._append(job, now)
        # Only now: adding rows moves the cursor, which must not ask for a page meanwhile.
        self._waiting_for_page = False
        if self._to_last:
            self.move_cursor(row=self.row_count - 1, animate=False)
            self._to_last = not complete
        self._check_paging()

    def action_first_job(self) -> None:
        """Put the cursor on the newest job."""
        self._to_last = False
        self.move_cursor(row=0, animate=False)

    def action_last_job(self) -> None:
        """Put the cursor on the oldest job, loading the pages up to it."""
        self._to_last = not self.complete
        self.move_cursor(row=max(self.row_count - 1, 0), animate=False)

    def _append(self, job: JobDB, now: datetime) -> None:
        from aiom4b_tui.ui.jobs.cells import job_cells

        self._note_host(job, now)
        cells = job_cells(job, now, self.layout)
        self.jobs[job.id] = job
        self._cells[job.id] = cells
        self.add_row(*cells, key=str(job.id))

    def _note_host(self, job: JobDB, now: datetime) -> bool:
        """Take in the job's host; True when that added the Host column (rows redrawn)."""
        from aiom4b_tui.ui.jobs.cells import host_of

        host = host_of(job)
        if not host or host in self.hosts:
            return False
        self.hosts.add(host)
        if len(self.hosts) < 2 or self.with_host:
            return False
        self.with_host = True
        self._redraw(now)
        return True

    def _redraw(self, now: datetime) -> None:
        """Every row again in the current layout, the cursor on the same row."""
        from aiom4b_tui.ui.jobs.cells import job_cells

        row = self.cursor_row
        self.clear(columns=True)
        self._add_columns()
        self._cells.clear()
        for job in self.jobs.values():
            self._cells[job.id] = job_cells(job, now, self.layout)
            self.add_row(*self._cells[job.id], key=str(job.id))
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), animate=False)

    def take_changes(self, jobs: list[JobDB], now: datetime) -> None:
        """Show what the database says changed, in one repaint: rows updated by key (only
        the cells that changed), rows that left the filter dropped, new jobs on top, and
        the running jobs' clocks advanced."""
        with self.app.batch_update():
            new_jobs = self.apply_changes(jobs, now)
            if new_jobs:
                self.put_on_top(new_jobs, now)
            self.tick(now)

    def apply_changes(self, jobs: list[JobDB], now: datetime) -> list[JobDB]:
        """Update the rows of changed jobs in place; returns new jobs the table should gain."""
        new_jobs = []
        for job in jobs:
            if job.id in self.jobs:
                if self.filter.matches(job):
                    self.update_job(job, now)
                else:
                    self.drop(job.id)
            elif self.filter.matches(job) and self._is_newest(job):
                new_jobs.append(job)
        return new_jobs

    def _is_newest(self, job: JobDB) -> bool:
        # Older jobs than the loaded ones arrive with later pages; only newer ones go on top.
        if not self.jobs:
            return True
        oldest = min(j.created_at for j in self.jobs.values())
        return job.created_at >= oldest or self.complete

    def update_job(self, job: JobDB, now: datetime) -> None:
        """Repaint only the cells of this job's row that changed."""
        from aiom4b_tui.ui.jobs.cells import job_cells

        self.jobs[job.id] = job
        if self._note_host(job, now):
            return  # every row was redrawn, this one with it
        old = self._cells.get(job.id)
        cells = job_cells(job, now, self.layout)
        if old == cells:
            return
        self._cells[job.id] = cells
        for column, new, before in zip(self.layout, cells, old or (), strict=False):
            if new != before:
                self.update_cell(str(job.id), column.key, new)

    def tick(self, now: datetime) -> None:
        """Advance the clocks of running jobs (their elapsed time)."""
        for job in list(self.jobs.values()):
            if job.status is JobStatus.RUNNING:
                self.update_job(job, now)

    def put_on_top(self, new_jobs: list[JobDB], now: datetime) -> None:
        """Show newly created jobs above the others, keeping the cursor on its job: their
        rows are added by key and moved to the top in one batch; the other rows stay."""
        selected = self.selected_job()
        newest_first = sorted(new_jobs, key=lambda j: j.created_at, reverse=True)
        shown = list(self.jobs)
        with self.app.batch_update():
            for job in newest_first:
                self._append(job, now)
            order = [job.id for job in newest_first] + shown
            reordered = {job_id: self.jobs[job_id] for job_id in order}
            self.jobs.clear()
            self.jobs.update(reordered)
            self._show_in_order()
            if selected is not None:
                self.move_cursor(row=self.get_row_index(str(selected.id)), animate=False)

    def _show_in_order(self) -> None:
        """Arrange the rows in the order of `jobs` (newest first) without re-adding any."""
        # `sort` hands its key a row's cells only. Each row's title cell is an object of its
        # own (job_cells makes a new Text for every row), so that object names the row.
        title = next(n for n, column in enumerate(self.layout) if column.key == "title")
        rank = {id(self.get_row(str(job_id))[title]): n for n, job_id in enumerate(self.jobs)}
        self.sort(key=lambda cells: rank[id(cells[title])])

    def drop(self, job_id: UUID) -> None:
        """Remove a job's row (deleted, or no longer matching the filter)."""
        if job_id in self.jobs:
            del self.jobs[job_id]
            self._cells.pop(job_id, None)
            self.remove_row(str(job_id))

    def watch_cursor_coordinate(self, old, new) -> None:  # type: ignore[override]
        super().watch_cursor_coordinate(old, new)
        self._check_paging()

    def _check_paging(self) -> None:
        if self.complete or self._waiting_for_page:
            return
        if self.cursor_row >= self.row_count - PAGE_AHEAD:
            self._waiting_for_page = True
            self.post_message(self.NeedMore(len(self.jobs)))
