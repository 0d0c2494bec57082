"""One job in full: summary, the plan's chapters, its tags and output, and the whole log.

The screen follows its own job: it reads the job again every FOLLOW_SECONDS, in a thread,
and its `c` and `r` act on it through `job_commands`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, RichLog, Static, TabbedContent, TabPane

from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.safe_text import visible, visible_lines
from aiom4b_tui.store.models import BadRowError, JobDB, JobStatus
from aiom4b_tui.ui.jobs import commands as job_commands
from aiom4b_tui.ui.jobs.cells import display_title, elapsed_seconds, failure_reason, status_text
from aiom4b_tui.ui.reported import reported
from aiom4b_tui.ui.text import formatting

T = TypeVar("T")

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings
    from aiom4b_tui.store.jobs import JobService
    from aiom4b_tui.ui.add_book.preview import BookPreview

FOLLOW_SECONDS = 0.5


class JobDetailsScreen(Screen[None]):
    """Details of one job; follows the job live while it is open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back"),
        Binding("c", "cancel", "Cancel"),
        Binding("r", "retry", "Retry"),
    ]

    def __init__(
        self,
        job: JobDB,
        service: JobService,
        settings: Settings,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self.job = job
        self.service = service
        self.settings = settings
        self.clock = clock
        self.now = clock()
        self._log_lines_shown = 0
        self._fetching = False

    def compose(self) -> ComposeResult:
        yield Label(self._heading(), id="details-heading")
        with TabbedContent(id="details-tabs"):
            with TabPane("Summary", id="tab-summary"):
                yield Static(self._summary(), id="summary")
            with TabPane("Chapters", id="tab-chapters"):
                yield Static(Text("reading the folders…", style="dim"), id="plan")
            with TabPane("Log", id="tab-log"):
                yield RichLog(id="full-log", wrap=True, max_lines=5000, markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._write_new_log()
        self._load_plan()
        self.set_interval(FOLLOW_SECONDS, self._fetch)

    def _fetch(self) -> None:
        if not self._fetching:
            self._fetching = True
            self._fetch_job()

    @work(thread=True, group="details-follow", exit_on_error=False)
    @reported
    def _fetch_job(self) -> None:
        try:
            job = self.service.get_job(self.job.id)
        finally:
            self._fetching = False
        self.app.call_from_thread(self._fetched, job)

    def _fetched(self, job: JobDB | None) -> None:
        """The job as the database has it now (None: it was deleted)."""
        if not self.is_attached:
            return
        if job is None:
            self.notify("The job was deleted.", severity="warning")
            self.dismiss(None)
        elif job.updated_at != self.job.updated_at or self.job.status is JobStatus.RUNNING:
            self.follow(job, self.clock())

    def action_cancel(self) -> None:
        """Cancel this job (a running one is stopped by its worker)."""
        self._run_command(job_commands.cancel_job)

    def action_retry(self) -> None:
        """Queue this job again."""
        self._run_command(job_commands.retry_job)

    @work(thread=True, group="details-writes", exit_on_error=False)
    @reported
    def _run_command(self, command: Callable[..., job_commands.Outcome]) -> None:
        outcome = command(self.service, self.job)
        severity = "warning" if outcome.refused else "information"
        self.app.call_from_thread(self.notify, outcome.text, severity=severity, markup=False)
        self.app.call_from_thread(self._fetch)

    def _heading(self) -> Text:
        heading = status_text(self.job)
        heading.append("  ")
        heading.append(display_title(self.job), style="bold")
        return heading

    def _summary(self) -> Table:
        job = self.job
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        options = _readable(job.job_options, JobOptions())
        rows = [
            ("Job", str(job.id)),
            ("Problem", visible(job.problem() or "")),
            ("Status", str(job.status.value) + (" (cancel asked)" if job.cancel_requested else "")),
            ("Reason", failure_reason(job) if job.status is JobStatus.FAILED else ""),
            ("Progress", formatting.progress_bar(job.progress)),
            ("Folders", "\n".join(visible(p) for p in _readable(job.folders, []))),
            ("Output", visible(job.output_file or "")),
            ("Created", formatting.local_time(job.created_at)),
            ("Started", formatting.local_time(job.start_time)),
            ("Ended", formatting.local_time(job.end_time)),
            ("Took", formatting.clock_time(elapsed_seconds(job, self.now))),
            ("Worker", visible(job.worker or "")),
        ]
        tags = options.tags.model_dump(exclude_none=True)
        rows += [(f"Tag {name}", visible(value)) for name, value in tags.items()]
        if options.output_name:
            rows.append(("Output name", visible(options.output_name)))
        if options.output_dir:
            rows.append(("Output folder", visible(str(options.output_dir))))
        if options.cover is not None or options.no_cover:
            rows.append(("Cover", "none" if options.no_cover else visible(str(options.cover))))
        if options.overwrite:
            rows.append(("If it exists", "replace it"))
        if options.files is not None:
            rows.append(("Files", "\n".join(visible(f) for f in options.files)))
        if options.chapters is not None:
            rows.append(("Chapters", f"{len(options.chapters)}, as edited"))
        for label, value in rows:
            if value:
                table.add_row(label, Text(value))
        return table

    @work(thread=True, exclusive=True, group="details-plan", exit_on_error=False)
    def _load_plan(self) -> None:
        """Read the job's folders for its plan, away from the event loop."""
        from aiom4b_tui.ui.add_book.preview import build_preview  # the engine: not at start

        folders = [f for f in _readable(self.job.folders, []) if f.is_dir()]
        if self.job.problem():
            text = Text(f"This row cannot be read: {visible(self.job.problem())}", style="red")
        elif not folders:
            text = Text("The job's folders are no longer there.", style="dim")
        else:
            text = self._plan_text(build_preview(folders, self.settings, self.job.job_options()))
        self.app.call_from_thread(self._show_plan, text)

    def _show_plan(self, text: Text) -> None:
        if self.is_attached:
            self.query_one("#plan", Static).update(text)

    @staticmethod
    def _plan_text(preview: BookPreview) -> Text:
        if preview.error:
            return Text(f"Cannot make a book: {visible(preview.error)}", style="red")
        text = Text(
            f"{len(preview.files)} files · {formatting.book_length(preview.duration)} · "
            f"about {formatting.file_size(preview.expected_bytes)} · {preview.audio_format}\n",
            style="bold",
        )
        tags = " · ".join(
            f"{k.replace('_', ' ')}: {formatting.ellipsize(visible(v), 40)}"
            for k, v in preview.tags.items()
            if v
        )
        text.append(f"{tags}\n\n", style="dim")
        for number, chapter in enumerate(preview.chapters, start=1):
            text.append(f"{number:>3} ", style="dim")
            text.append(f"{formatting.track_time(chapter.start):>8}  ", style="cyan")
            text.append(f"{visible(chapter.title)}\n")
        text.rstrip()
        return text

    def follow(self, job: JobDB, now: datetime) -> None:
        """Show the job's newest state."""
        self.job = job
        self.now = now
        self.query_one("#details-heading", Label).update(self._heading())
        self.query_one("#summary", Static).update(self._summary())
        self._write_new_log()

    def _write_new_log(self) -> None:
        lines = visible_lines(self.job.log or "")
        if len(lines) < self._log_lines_shown:
            self.query_one("#full-log", RichLog).clear()
            self._log_lines_shown = 0
        log = self.query_one("#full-log", RichLog)
        for line in lines[self._log_lines_shown :]:
            log.write(line)
        if not lines and not self._log_lines_shown:
            log.clear()
            log.write(Text("(no log yet)", style="dim"))
        self._log_lines_shown = len(lines)

    def action_close(self) -> None:
        """Back to the main screen."""
        self.dismiss(None)


def _readable(read: Callable[[], T], default: T) -> T:
    """What `read` gives, or `default` for a row written by hand or by another version."""
    try:
        return read()
    except BadRowError:
        return default
