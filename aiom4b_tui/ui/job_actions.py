"""What the keys do to jobs: details, cancel, retry, delete, clear old ones, filter.

Cancel and retry go through `JobService.request_cancel` / `retry`, which decide what the
job's status allows (a queued job is cancelled at once, a running one asks its runner);
their refusals come back as a notification and a log line. A mixin of `AiomApp`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from textual import work

from aiom4b_tui.core.jobs import JobNotFoundError, JobStateError
from aiom4b_tui.core.models import JobDB, JobStatus
from aiom4b_tui.ui.job_filter import JobFilter
from aiom4b_tui.ui.job_rows import display_title
from aiom4b_tui.ui.screens.confirm import ConfirmScreen
from aiom4b_tui.ui.screens.job_details import JobDetailsScreen
from aiom4b_tui.ui.screens.prompt import PromptScreen

if TYPE_CHECKING:
    from aiom4b_tui.ui.app import AiomApp

    _Base = AiomApp
else:
    _Base = object

JOB_PREFIX = re.compile(r"^job \S+ ")


class JobActions(_Base):
    """The job keys of the table and the details screen."""

    def _selected(self) -> JobDB | None:
        job = self.table.selected_job()
        if job is None:
            self.notify("No job selected.", severity="warning")
        return job

    def _current_job(self) -> JobDB | None:
        screen = self.screen
        if isinstance(screen, JobDetailsScreen):
            return screen.job
        return self._selected()

    def action_details(self) -> None:
        """Open the details of the selected job."""
        job = self._selected()
        if job is not None:
            self.push_screen(JobDetailsScreen(job, self.settings, self.clock()))

    def action_cancel_job(self) -> None:
        """Cancel the current job: a queued one at once, a running one by asking its runner."""
        job = self._current_job()
        if job is not None:
            self._change_job(job, self.service.request_cancel, self._cancel_note)

    def action_retry_job(self) -> None:
        """Queue a failed or cancelled job again."""
        job = self._current_job()
        if job is not None:
            self._change_job(job, self.service.retry, lambda _job: "queued again")

    @staticmethod
    def _cancel_note(job: JobDB) -> str:
        return "cancel asked for" if job.status is JobStatus.RUNNING else "cancelled"

    @work(thread=True, group="writes", exit_on_error=False)
    def _change_job(
        self,
        job: JobDB,
        change: Callable[[UUID], JobDB],
        note: Callable[[JobDB], str],
    ) -> None:
        """Apply a JobService change; a refusal (wrong status, job gone) is said, not raised."""
        title = display_title(job)
        try:
            changed = change(job.id)
        except (JobStateError, JobNotFoundError) as exc:
            self.call_from_thread(self._refused, title, exc)
            return
        self.call_from_thread(self.log_event, f"{title}: {note(changed)}")
        if changed.status is JobStatus.QUEUED:
            self.runner.wake()

    def _refused(self, title: str, error: Exception) -> None:
        if isinstance(error, JobNotFoundError):
            reason = f"{title}: the job no longer exists"
        else:  # "job <uuid> is completed; nothing to cancel" reads better with the title
            reason = f"{title} {JOB_PREFIX.sub('', str(error))}"
        self.log_event(reason, "yellow")
        self.notify(reason, severity="warning")

    @work(group="dialogs", exclusive=True)
    async def action_delete_job(self) -> None:
        """Delete the selected job after asking."""
        job = self._selected()
        if job is None:
            return
        if job.status is JobStatus.RUNNING:
            self.notify("Cancel the job before deleting it.", severity="warning")
            return
        title = display_title(job)
        if await self.push_screen_wait(ConfirmScreen(f"Delete the job “{title}”?", "Delete")):
            self._delete_job(job.id, title)

    @work(thread=True, group="writes", exit_on_error=False)
    def _delete_job(self, job_id: UUID, title: str) -> None:
        if self.service.delete_job(job_id):
            self.call_from_thread(self.table.drop, job_id)
            self.call_from_thread(self.log_event, f"{title}: deleted")

    @work(group="dialogs", exclusive=True)
    async def action_clear_old(self) -> None:
        """Remove finished jobs older than the days kept, after asking."""
        days = self.settings.days_kept
        question = f"Clear finished jobs older than {days} days?"
        if await self.push_screen_wait(ConfirmScreen(question, "Clear")):
            self._clear_old(days)

    @work(thread=True, group="writes", exit_on_error=False)
    def _clear_old(self, days: int) -> None:
        removed = self.service.clear_old_jobs(days)
        self.call_from_thread(self.log_event, f"Cleared {removed} old jobs")
        self.call_from_thread(self._reload_table, self.table.filter)

    @work(group="dialogs", exclusive=True)
    async def action_filter(self) -> None:
        """Filter the jobs by a status word and/or text."""
        current = self.table.filter
        status = current.status.value if current.status else ""
        typed = await self.push_screen_wait(
            PromptScreen(
                "Show jobs: a status (queued running done failed cancelled) and/or text",
                value=" ".join(p for p in (status, current.text) if p),
                placeholder="empty shows every job",
            )
        )
        if typed is not None:
            self._reload_table(JobFilter.parse(typed))
            self.table.focus()
