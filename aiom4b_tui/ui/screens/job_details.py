"""One job in full: summary, the plan's chapters, its tags and output, and the whole log."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, RichLog, Static, TabbedContent, TabPane

from aiom4b_tui.core.models import JobDB
from aiom4b_tui.ui import formatting
from aiom4b_tui.ui.book_preview import BookPreview, build_preview
from aiom4b_tui.ui.job_rows import display_title, elapsed_seconds, status_text

if TYPE_CHECKING:
    from datetime import datetime

    from aiom4b_tui.core.settings import Settings


class JobDetailsScreen(Screen[None]):
    """Details of one job; follows the job live while it is open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back"),
        Binding("c", "app.cancel_job", "Cancel"),
        Binding("r", "app.retry_job", "Retry"),
    ]

    def __init__(self, job: JobDB, settings: Settings, now: datetime) -> None:
        super().__init__()
        self.job = job
        self.settings = settings
        self.now = now
        self._log_lines_shown = 0

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
        options = job.job_options()
        rows = [
            ("Job", str(job.id)),
            ("Status", job.status.value + (" (cancel asked)" if job.cancel_requested else "")),
            ("Progress", formatting.progress_bar(job.progress)),
            ("Folders", "\n".join(str(p) for p in job.folders())),
            ("Output", job.output_file or ""),
            ("Created", formatting.local_time(job.created_at)),
            ("Started", formatting.local_time(job.start_time)),
            ("Ended", formatting.local_time(job.end_time)),
            ("Took", formatting.clock_time(elapsed_seconds(job, self.now))),
            ("Worker", job.worker or ""),
        ]
        tags = options.tags.model_dump(exclude_none=True)
        rows += [(f"Tag {name}", value) for name, value in tags.items()]
        if options.output_name:
            rows.append(("Output name", options.output_name))
        for label, value in rows:
            if value:
                table.add_row(label, value)
        return table

    @work(thread=True, exclusive=True, group="details-plan", exit_on_error=False)
    def _load_plan(self) -> None:
        """Read the job's folders for its plan, away from the event loop."""
        folders = [f for f in self.job.folders() if f.is_dir()]
        if not folders:
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
            return Text(f"Cannot make a book: {preview.error}", style="red")
        text = Text(
            f"{len(preview.files)} files · {formatting.book_length(preview.duration)} · "
            f"about {formatting.file_size(preview.expected_bytes)} · {preview.audio_format}\n",
            style="bold",
        )
        tags = " · ".join(f"{k}: {v}" for k, v in preview.tags.items() if v)
        text.append(f"{tags}\n\n", style="dim")
        for number, chapter in enumerate(preview.chapters, start=1):
            text.append(f"{number:>3} ", style="dim")
            text.append(f"{formatting.track_time(chapter.start):>8}  ", style="cyan")
            text.append(f"{chapter.title}\n")
        text.rstrip()
        return text

    def follow(self, job: JobDB, now: datetime) -> None:
        """Show the job's newest state (called by the app when the database says it changed)."""
        self.job = job
        self.now = now
        self.query_one("#details-heading", Label).update(self._heading())
        self.query_one("#summary", Static).update(self._summary())
        self._write_new_log()

    def _write_new_log(self) -> None:
        lines = (self.job.log or "").splitlines()
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
