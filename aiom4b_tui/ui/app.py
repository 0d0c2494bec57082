"""The aiom4b app: folder picker, job queue and log on one screen, built by `create_app`.

The database is the truth. The app polls `JobService.changed_since` from a worker thread a
few times a second and repaints the rows that changed, whichever process changed them.
Every read and write of the database, and every scan of the disk, runs in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from natsort import natsorted
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label
from textual.worker import Worker, WorkerState

from aiom4b_tui.core.models import (
    JobCreate,
    JobDB,
    JobStatus,
    JobUpdate,
    utcnow,
)
from aiom4b_tui.ui.background import spawn_background_worker
from aiom4b_tui.ui.job_filter import JobFilter
from aiom4b_tui.ui.job_rows import STATUS_SYMBOLS, display_title, last_log_line
from aiom4b_tui.ui.messages import JobsChanged, JobsPageLoaded, RunnerNote, RunnerReported
from aiom4b_tui.ui.runner_host import RunnerHost
from aiom4b_tui.ui.screens.add_book import CANCEL, QUEUE_ALL, SKIP, AddBookScreen
from aiom4b_tui.ui.screens.confirm import ConfirmScreen
from aiom4b_tui.ui.screens.help import HelpScreen
from aiom4b_tui.ui.screens.job_details import JobDetailsScreen
from aiom4b_tui.ui.screens.prompt import PromptScreen
from aiom4b_tui.ui.screens.quit import KEEP, QuitScreen
from aiom4b_tui.ui.styles import style_paths
from aiom4b_tui.ui.widgets.counts_bar import CountsBar
from aiom4b_tui.ui.widgets.event_log import EventLog
from aiom4b_tui.ui.widgets.folder_tree import FolderTree
from aiom4b_tui.ui.widgets.job_table import PAGE_SIZE, JobTable

if TYPE_CHECKING:
    from aiom4b_tui.core.jobs import JobService
    from aiom4b_tui.core.settings import Settings

POLL_SECONDS = 0.4
# Rows are fetched again if they changed this close to the last poll, in case a writer's
# transaction committed a moment after its updated_at was stamped.
POLL_OVERLAP = timedelta(seconds=2)
NARROW_WIDTH = 100
LOG_LINES_ON_SELECT = 3
TEXT_FILTER_CAP = 5000

MAIN_SCREEN_ACTIONS = frozenset({"filter", "toggle_library", "clear_old", "watch_inbox"})

Clock = Callable[[], datetime]


class AiomApp(App[int]):
    """Folders in, queued books out; the queue shown live from the database."""

    CSS_PATH = style_paths()
    TITLE = "aiom4b"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit_app", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("slash", "filter", "Filter"),
        Binding("l", "toggle_library", "Library"),
        Binding("x", "clear_old", "Clear old", show=False),
        Binding("w", "watch_inbox", "Watch", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        service: JobService,
        library_root: Path,
        *,
        clock: Clock = utcnow,
        run_queue: bool = True,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.service = service
        self.library_root = library_root
        self.clock = clock
        self.run_queue = run_queue
        self.runner = RunnerHost(service, settings, self._runner_event)
        self._last_seen = utcnow()
        self._poll_busy = False
        self._statuses: dict[UUID, JobStatus] = {}
        self._shown_log: tuple[UUID | None, int] = (None, 0)
        self._narrow_choice_made = False
        # Kept, not queried: workers may report while the screen is being taken down.
        self.folder_tree = FolderTree(library_root, id="tree")
        self.table = JobTable(id="table")
        self.log_pane = EventLog(id="log")
        self.counts_bar = CountsBar(id="top")
        self.panes = Horizontal(id="panes")

    # ---- building the screen -------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.counts_bar
        with self.panes:
            with Vertical(id="library"):
                yield Label(f"Library  {self._root_label()}", classes="pane-title")
                yield self.folder_tree
            with Vertical(id="jobs"):
                yield Label("Jobs", classes="pane-title", id="jobs-title")
                yield self.table
        yield self.log_pane
        yield Footer()

    def _root_label(self, width: int = 24) -> str:
        """The library folder, `~` for home, cut at the left to fit `width`."""
        home = Path.home()
        root = self.library_root
        label = f"~/{root.relative_to(home)}" if root.is_relative_to(home) else str(root)
        return label if len(label) <= width else "…" + label[-(width - 1) :]

    def on_mount(self) -> None:
        self._fold(self.size.width)
        self.folder_tree.focus()
        self._reload_table(JobFilter())
        self._poll()
        self.set_interval(POLL_SECONDS, self._poll)
        self.log_event(f"Library {self._root_label(60)}")
        if self.run_queue:
            self._start_queue()

    def log_event(self, message: str, style: str = "") -> None:
        """Add one line to the log pane."""
        self.log_pane.event(message, self.clock(), style)

    # ---- fitting small terminals ---------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._fold(event.size.width)

    def _fold(self, width: int) -> None:
        """Below NARROW_WIDTH columns show one pane at a time (`l` switches)."""
        self.panes.set_class(width < NARROW_WIDTH, "-narrow")

    def _show_library(self, show: bool) -> None:
        panes = self.panes
        panes.set_class(show, "-show-library")
        if panes.has_class("-narrow"):
            (self.folder_tree if show else self.table).focus()

    def action_toggle_library(self) -> None:
        """Switch between the library and the jobs on a narrow terminal."""
        self._narrow_choice_made = True
        self._show_library(not self.panes.has_class("-show-library"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Main-screen keys only on the main screen; `l` only when the panes are folded."""
        if action in MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1:
            return False
        if action == "toggle_library":
            return self.panes.has_class("-narrow")
        return True

    # ---- reading the database --------------------------------------------------------

    def _reload_table(self, job_filter: JobFilter) -> None:
        generation = self.table.start_over(job_filter)
        title = "Jobs" + (f" · {job_filter.describe()}" if job_filter.active else "")
        self.query_one("#jobs-title", Label).update(title)
        self._load_page(0, generation, job_filter)

    @on(JobTable.NeedMore)
    def _more_jobs(self, message: JobTable.NeedMore) -> None:
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
        if message.offset == 0 and not self._narrow_choice_made:
            self._show_library(not message.jobs)

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

    @on(DataTable.RowHighlighted, "#table")
    def _row_highlighted(self) -> None:
        if self.main_screen_gone:
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

    # ---- adding books --------------------------------------------------------------------

    def _folders_to_add(self) -> list[Path]:
        tree = self.folder_tree
        if tree.marked:
            return list(tree.marked)
        folder = tree.cursor_folder()
        return [folder] if folder is not None else []

    def action_add_each(self) -> None:
        """Each marked folder (or the one under the cursor) becomes its own book."""
        folders = self._folders_to_add()
        if folders:
            self._add_books([[folder] for folder in folders])

    def action_add_one_book(self) -> None:
        """All marked folders, in natural order, become one book."""
        folders = self._folders_to_add()
        if folders:
            self._add_books([natsorted(folders, key=str)])

    @work(exclusive=True, group="add-books")
    async def _add_books(self, books: list[list[Path]]) -> None:
        """Show the add dialog for each book in turn and queue the ones confirmed."""
        queue_rest = False
        for index, folders in enumerate(books, start=1):
            if queue_rest:
                self._create_job(JobCreate(input_folders=folders))
                continue
            dialog = AddBookScreen(
                folders,
                self.settings,
                position=(index, len(books)),
                shown_root=self.library_root,
            )
            decision = await self.push_screen_wait(dialog)
            if decision.action == CANCEL:
                return
            if decision.action == SKIP or decision.job is None:
                continue
            queue_rest = decision.action == QUEUE_ALL
            self._create_job(decision.job)
        self.folder_tree.clear_marks()
        if self.panes.has_class("-narrow"):
            self._show_library(False)

    def on_add_book_screen_unreadable(self, message: AddBookScreen.Unreadable) -> None:
        self.log_event(f"✖ {message.folders[0].name}: {message.error}", "red")

    @work(thread=True, group="writes", exit_on_error=False)
    def _create_job(self, job: JobCreate) -> None:
        created = self.service.create_job(job)
        self.call_from_thread(self.log_event, f"◌ {display_title(created)}: queued")
        self._statuses[created.id] = created.status

    # ---- acting on jobs ------------------------------------------------------------------

    def _selected(self) -> JobDB | None:
        job = self.table.selected_job()
        if job is None:
            self.notify("No job selected.", severity="warning")
        return job

    def action_details(self) -> None:
        """Open the details of the selected job."""
        job = self._selected()
        if job is not None:
            self.push_screen(JobDetailsScreen(job, self.settings, self.clock()))

    def action_cancel_job(self) -> None:
        """Cancel the selected job: a queued one at once, a running one by asking its runner."""
        job = self._current_job()
        if job is None:
            return
        if job.status is JobStatus.QUEUED:
            update = JobUpdate(status=JobStatus.CANCELLED, end_time=utcnow())
        elif job.status is JobStatus.RUNNING:
            update = JobUpdate(cancel_requested=True)
        else:
            self.notify(f"The job is {job.status.value}; nothing to cancel.")
            return
        self._update_job(job.id, update, f"{display_title(job)}: cancel asked for")

    def action_retry_job(self) -> None:
        """Queue a failed or cancelled job again."""
        job = self._current_job()
        if job is None:
            return
        if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
            self.notify("Only failed or cancelled jobs can be retried.")
            return
        update = JobUpdate(status=JobStatus.QUEUED, progress=0.0, cancel_requested=False)
        self._update_job(job.id, update, f"{display_title(job)}: queued again")

    def _current_job(self) -> JobDB | None:
        screen = self.screen
        if isinstance(screen, JobDetailsScreen):
            return screen.job
        return self._selected()

    @work(thread=True, group="writes", exit_on_error=False)
    def _update_job(self, job_id: UUID, update: JobUpdate, note: str) -> None:
        self.service.update_job(job_id, update)
        self.call_from_thread(self.log_event, note)

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
        days = getattr(self.settings, "days_kept", 30)
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
        typed = await self.push_screen_wait(
            PromptScreen(
                "Show jobs: a status (queued running done failed cancelled) and/or text",
                value=" ".join(
                    p for p in (getattr(current.status, "value", ""), current.text) if p
                ),
                placeholder="empty shows every job",
            )
        )
        if typed is not None:
            self._reload_table(JobFilter.parse(typed))
            self.table.focus()

    @work(group="dialogs", exclusive=True)
    async def action_watch_inbox(self) -> None:
        """Watch an inbox folder: new book folders dropped in it are queued."""
        inbox = getattr(self.settings, "inbox_dir", None)
        typed = await self.push_screen_wait(
            PromptScreen("Watch this folder for new books:", value=str(inbox or ""))
        )
        if typed:
            self._start_watch(Path(typed).expanduser())

    def _start_watch(self, inbox: Path) -> None:
        """Hook for the inbox watcher (core/watch.py), wired once it lands."""
        if not inbox.is_dir():
            self.notify(f"Not a folder: {inbox}", severity="error")
            return
        self.log_event(f"Watching {inbox} needs the queue's watcher; run `aiom4b watch`")

    def action_help(self) -> None:
        """Show the keys."""
        self.push_screen(HelpScreen())

    # ---- the queue runner ----------------------------------------------------------------

    def _start_queue(self) -> None:
        """Run the queue in this process, when the queue is installed."""
        if self.runner.start():
            self.log_event("Queue running in this process")
        else:
            self.log_event("No queue runner installed; jobs wait for `aiom4b worker`", "dim")

    def _runner_event(self, event: Any) -> None:
        """Called on the runner's thread: pass the event to the UI as a message."""
        note = RunnerNote(
            getattr(event, "title", ""), getattr(event, "kind", ""), getattr(event, "message", "")
        )
        self.post_message(RunnerReported(note))

    def on_runner_reported(self, message: RunnerReported) -> None:
        note = message.note
        if note.kind == "log" and not self.main_screen_gone:
            self.log_event(f"{note.title}: {note.message}", "dim")

    @work(group="dialogs", exclusive=True)
    async def action_quit_app(self) -> None:
        """Quit; when books convert here, ask whether to stop them or leave them running."""
        running = self.runner.running_count
        if running:
            choice = await self.push_screen_wait(QuitScreen(running))
            if choice is None:
                return
            self.log_event("Stopping the queue…")
            await self._stop_queue_in_thread()
            if choice == KEEP:
                pid = spawn_background_worker(self.settings.data_dir)
                self.log_event(f"Background worker started (pid {pid})")
        else:
            await self._stop_queue_in_thread()
        self.exit(0)

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit ask like `q` does."""
        self.action_quit_app()

    async def _stop_queue_in_thread(self) -> None:
        worker = self.run_worker(self.runner.stop, thread=True, group="stop-queue")
        await worker.wait()

    # ---- one place for worker errors -----------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        if event.worker.group == "poll":
            self._poll_busy = False
        error = event.worker.error
        self.log_event(f"{event.worker.name or event.worker.group}: {error}", "bold red")
        self.notify(str(error), title="Something went wrong", severity="error")

    # ---- the command palette -------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = (
            (
                "Mark folder",
                "Mark or unmark the folder under the cursor",
                self.folder_tree.action_toggle_mark,
            ),
            ("Add marked folders", "Each marked folder as its own book", self.action_add_each),
            ("Add as one book", "All marked folders as one book", self.action_add_one_book),
            ("Job details", "Plan, chapters, tags, output, log", self.action_details),
            ("Cancel job", "Cancel the selected job", self.action_cancel_job),
            ("Retry job", "Queue a failed or cancelled job again", self.action_retry_job),
            ("Delete job", "Delete the selected job", self.action_delete_job),
            ("Clear old jobs", "Remove old finished jobs", self.action_clear_old),
            ("Watch inbox", "Queue new book folders dropped in a folder", self.action_watch_inbox),
            ("Filter jobs", "By status and/or text", self.action_filter),
            ("Toggle library", "Library or jobs, on narrow terminals", self.action_toggle_library),
            ("Help", "The keys", self.action_help),
        )
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)


def create_app(
    settings: Settings,
    start_path: Path | None = None,
    *,
    service: JobService | None = None,
    clock: Clock = utcnow,
    run_queue: bool = True,
) -> AiomApp:
    """The app for these settings; the folder picker opens at `start_path` (else the library)."""
    if service is None:
        from aiom4b_tui.core.db import open_database
        from aiom4b_tui.core.jobs import JobService

        service = JobService(open_database(settings.data_dir))
    root = start_path or getattr(settings, "library_dir", None) or Path.cwd()
    return AiomApp(
        settings,
        service,
        Path(root).expanduser().resolve(),
        clock=clock,
        run_queue=run_queue,
    )
