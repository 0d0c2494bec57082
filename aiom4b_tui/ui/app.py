"""The aiom4b app: folder picker, job queue and log on one screen, built by `create_app`.

The database is the truth: the table follows it (`job_polling`), the keys act on jobs
through JobService (`job_actions`), and the queue and an inbox watcher run in this process
(`queue_control`). Here: the screen, folding for small terminals, adding books, the palette.
Every read and write of the database, and every scan of the disk, runs in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from natsort import natsorted
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, Label
from textual.worker import Worker, WorkerState

from aiom4b_tui.core.library import guess_title
from aiom4b_tui.core.models import JobCreate, utcnow
from aiom4b_tui.core.watch import SETTLE_SECONDS
from aiom4b_tui.ui.job_actions import JobActions
from aiom4b_tui.ui.job_filter import JobFilter
from aiom4b_tui.ui.job_polling import POLL_SECONDS, JobPolling
from aiom4b_tui.ui.job_rows import display_title
from aiom4b_tui.ui.queue_control import QueueControl
from aiom4b_tui.ui.runner_host import RunnerHost
from aiom4b_tui.ui.screens.add_book import CANCEL, QUEUE_ALL, SKIP, AddBookScreen
from aiom4b_tui.ui.screens.help import HelpScreen
from aiom4b_tui.ui.styles import style_paths
from aiom4b_tui.ui.widgets.counts_bar import CountsBar
from aiom4b_tui.ui.widgets.event_log import EventLog
from aiom4b_tui.ui.widgets.folder_tree import FolderTree
from aiom4b_tui.ui.widgets.job_table import JobTable

if TYPE_CHECKING:
    from aiom4b_tui.core.jobs import JobService
    from aiom4b_tui.core.settings import Settings

NARROW_WIDTH = 100

MAIN_SCREEN_ACTIONS = frozenset({"filter", "toggle_library", "clear_old", "watch_inbox"})

Clock = Callable[[], datetime]


class AiomApp(JobPolling, JobActions, QueueControl, App[int]):
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
        inbox_settle: float = SETTLE_SECONDS,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.service = service
        self.library_root = library_root
        self.clock = clock
        self.run_queue = run_queue
        self.inbox_settle = inbox_settle
        self.watched_inbox: Path | None = None
        self.runner = RunnerHost(service, settings, self._runner_event, self._runner_crashed)
        self._init_polling()
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
                title = await asyncio.to_thread(guess_title, folders)
                self._create_job(JobCreate(input_folders=folders, title=title))
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
        self.runner.wake()

    def action_help(self) -> None:
        """Show the keys."""
        self.push_screen(HelpScreen())

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
    inbox_settle: float = SETTLE_SECONDS,
) -> AiomApp:
    """The app for these settings; the folder picker opens at `start_path` (else the library)."""
    if service is None:
        from aiom4b_tui.core.db import open_database
        from aiom4b_tui.core.jobs import JobService

        service = JobService(open_database(settings.data_dir))
    root = start_path or settings.library_dir or Path.cwd()
    return AiomApp(
        settings,
        service,
        Path(root).expanduser().resolve(),
        clock=clock,
        run_queue=run_queue,
        inbox_settle=inbox_settle,
    )
