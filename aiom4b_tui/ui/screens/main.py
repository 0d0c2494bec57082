"""The main screen: the header, the library, the jobs panel and the log, and the routes
between them.

Widgets post messages; this screen routes them: `StoreOpened` (the app opens the job
store after this screen's first frame) to the jobs panel and the header, `LogLine` to the
log, `JobsCounted` to the header, `AddRequested` to the add dialogs, `JobsQueued` to a
worker start. It also folds the panes on narrow terminals and watches an inbox (which
queues, never converts).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Resize
from textual.screen import Screen

from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.status import JobStatus
from aiom4b_tui.ui.jobs.panel import JobsPanel
from aiom4b_tui.ui.messages import AddRequested, JobsCounted, JobsQueued, LogLine, StoreOpened
from aiom4b_tui.ui.reported import reported
from aiom4b_tui.ui.widgets.event_log import EventLog
from aiom4b_tui.ui.widgets.header_bar import HeaderBar
from aiom4b_tui.ui.widgets.key_bar import KeyBar
from aiom4b_tui.ui.widgets.library_pane import LibraryPane, root_label

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings
    from aiom4b_tui.store.models import JobDB
    from aiom4b_tui.ui.store import Store
    from aiom4b_tui.ui.widgets.folder_tree import FolderTree
    from aiom4b_tui.ui.worker.link import WorkerLink

NARROW_WIDTH = 100

Command = tuple[str, str, Callable[[], object]]


class MainScreen(Screen[None]):
    """Library, jobs and log on one screen; `l` switches panes on a narrow terminal."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "toggle_library", "Library"),
        Binding("w", "watch_inbox", "Watch", show=False),
        Binding("slash", "filter_jobs", "Filter", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        store: Store,
        worker_link: WorkerLink,
        library_root: Path,
        clock: Callable[[], datetime],
        inbox_settle: float,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.worker_link = worker_link
        self.library_root = library_root
        self.clock = clock
        self.inbox_settle = inbox_settle
        self.watched_inbox: Path | None = None
        self._watch_stop: asyncio.Event | None = None
        self._narrow_choice_made = False
        self._first_counts = True

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.worker_link, id="top")
        # Folded from the start on a narrow terminal: a class set once mounted would
        # restyle the panes before the first frame (~12 ms).
        narrow = "-narrow" if self.app.size.width < NARROW_WIDTH else None
        with Horizontal(id="panes", classes=narrow):
            yield LibraryPane(self.library_root, id="library")
            yield JobsPanel(self.store, self.settings, self.clock, id="jobs")
        yield EventLog(id="log")
        yield KeyBar()

    # ---- the rooms -----------------------------------------------------------------------

    @property
    def header(self) -> HeaderBar:
        """The top line."""
        return self.query_one(HeaderBar)

    @property
    def folder_tree(self) -> FolderTree:
        """The folder picker."""
        return self.query_one(LibraryPane).tree

    @property
    def jobs(self) -> JobsPanel:
        """The jobs panel."""
        return self.query_one(JobsPanel)

    @property
    def log_pane(self) -> EventLog:
        """The log."""
        return self.query_one(EventLog)

    def on_mount(self) -> None:
        self._fold(self.app.size.width)
        self.folder_tree.focus()
        self.log_line(f"Library {root_label(self.library_root, 60)}")

    # ---- routes --------------------------------------------------------------------------

    def log_line(self, text: str, style: str = "") -> None:
        """Add one line to the log pane (the text already safe to show)."""
        self.log_pane.event(text, self.clock(), style)

    def on_store_opened(self, message: StoreOpened) -> None:
        message.stop()
        self.jobs.start()
        self.header.start()

    def on_log_line(self, message: LogLine) -> None:
        message.stop()
        self.log_line(message.text, message.style)

    def on_jobs_counted(self, message: JobsCounted) -> None:
        message.stop()
        self.header.show_counts(message.counts)
        if self._first_counts:
            self._first_counts = False
            if not self._narrow_choice_made:
                self._show_library(not sum(message.counts.values()))
            if message.counts.get(JobStatus.QUEUED):
                self.start_worker()

    def on_jobs_queued(self, message: JobsQueued) -> None:
        message.stop()
        self.jobs.poll_now()
        self.start_worker()

    def workers_changed(self) -> None:
        """The workers or the pause changed (from this app): show it now."""
        self.header.poll_workers()

    @work(thread=True, group="start-worker", exit_on_error=False)
    @reported
    def start_worker(self) -> None:
        """Start a detached worker unless one runs; say so once when one was started."""
        pid = self.worker_link.ensure()
        if pid is None:
            return
        log = visible(self.worker_link.log_path)
        holder = self.worker_link.lock_holder()
        if holder is None:  # it ended before taking the lock
            self.post_message(LogLine(f"worker (pid {pid}) did not start: see {log}", "red"))
        elif holder == pid:  # not another client's worker, which won a race to the lock
            self.post_message(LogLine(f"worker started (pid {pid}, log: {log})", "dim"))
        self.app.call_from_thread(self.workers_changed)

    # ---- fitting small terminals ---------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._fold(event.size.width)

    def _fold(self, width: int) -> None:
        """Below NARROW_WIDTH columns show one pane at a time (`l` switches)."""
        self.query_one("#panes").set_class(width < NARROW_WIDTH, "-narrow")

    def _show_library(self, show: bool) -> None:
        panes = self.query_one("#panes")
        panes.set_class(show, "-show-library")
        if panes.has_class("-narrow"):  # at once: the keys typed next are the shown pane's
            self.set_focus(self.folder_tree if show else self.jobs.table)

    def action_toggle_library(self) -> None:
        """Switch between the library and the jobs on a narrow terminal."""
        self._narrow_choice_made = True
        self._show_library(not self.query_one("#panes").has_class("-show-library"))

    def action_filter_jobs(self) -> None:
        """`/` from the library: show the jobs and type a filter."""
        self._narrow_choice_made = True
        self._show_library(False)
        self.jobs.action_filter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`l` only when the panes are folded."""
        if action == "toggle_library":
            return self.query_one("#panes").has_class("-narrow")
        return True

    # ---- adding books --------------------------------------------------------------------

    def on_add_requested(self, message: AddRequested) -> None:
        message.stop()
        self._add_books(message.books)

    @work(exclusive=True, group="add-books")
    @reported
    async def _add_books(self, books: list[list[Path]]) -> None:
        """Show the add dialog for each book in turn and queue the ones confirmed."""
        # Imported here: the dialog brings the engine and the lookup (httpx) along.
        from aiom4b_tui.engine.plan.title import job_title
        from aiom4b_tui.store.models import JobCreate
        from aiom4b_tui.ui.add_book.screen import CANCEL, QUEUE_ALL, SKIP, AddBookScreen

        created: list[JobDB] = []
        queue_rest = False
        for index, folders in enumerate(books, start=1):
            if queue_rest:
                title = await asyncio.to_thread(job_title, folders)
                job = JobCreate(input_folders=folders, title=title)
                service = await self.store.opened()
                created.append(await asyncio.to_thread(service.create_job, job))
                continue
            dialog = AddBookScreen(
                folders,
                self.settings,
                position=(index, len(books)),
                shown_root=self.folder_tree.root_path,
            )
            decision = await self.app.push_screen_wait(dialog)
            if dialog.preview is not None and dialog.preview.error:
                self.log_line(f"{visible(folders[0].name)}: {visible(dialog.preview.error)}", "red")
            if decision.action == CANCEL:
                break
            if decision.action == SKIP or decision.job is None:
                continue
            queue_rest = decision.action == QUEUE_ALL
            service = await self.store.opened()
            created.append(await asyncio.to_thread(service.create_job, decision.job))
        if created:
            self.folder_tree.clear_marks()
            self.post_message(JobsQueued(created))
            if self.query_one("#panes").has_class("-narrow"):
                self._show_library(False)

    # ---- the inbox -----------------------------------------------------------------------

    @work(group="dialogs", exclusive=True)
    @reported
    async def action_watch_inbox(self) -> None:
        """Watch an inbox folder: new book folders dropped in it are queued."""
        from aiom4b_tui.ui.dialogs.prompt import PromptScreen  # dialogs: after the first frame

        inbox = self.settings.inbox_dir
        typed = await self.app.push_screen_wait(
            PromptScreen("Watch this folder for new books:", value=str(inbox or ""))
        )
        if typed:
            self._start_watch(Path(typed).expanduser())

    def _start_watch(self, inbox: Path) -> None:
        """Watch `inbox` (instead of the inbox watched so far, if any)."""
        if self._watch_stop is not None:
            self._watch_stop.set()
        self._watch_stop = asyncio.Event()
        self._watch_inbox(inbox, self._watch_stop)

    @work(group="inbox", exit_on_error=False)
    @reported
    async def _watch_inbox(self, inbox: Path, stop: asyncio.Event) -> None:
        from aiom4b_tui.queue.inbox import InboxWatcher  # watchfiles: only when watching

        if not await asyncio.to_thread(inbox.is_dir):
            self.notify(f"Not a folder: {visible(inbox)}", severity="error", markup=False)
            return
        service = await self.store.opened()
        watcher = InboxWatcher(service, inbox, settle=self.inbox_settle, on_job=self._inbox_job)
        self.watched_inbox = watcher.inbox
        self.header.show_inbox(watcher.inbox)
        shown = visible(watcher.inbox)
        self.log_line(f"Watching {shown} for new books (settle {self.inbox_settle:g} s)")
        try:
            await watcher.run(stop)
        finally:
            if self._watch_stop is stop:
                self.watched_inbox = None
                if self.is_attached:
                    self.header.show_inbox(None)

    def _inbox_job(self, job: JobDB) -> None:
        """The watcher queued a folder (called on the app's loop)."""
        self.post_message(JobsQueued([job]))

    # ---- the palette ---------------------------------------------------------------------

    def commands(self) -> Iterator[Command]:
        """This screen's actions by name, for the command palette."""
        tree = self.folder_tree
        jobs = self.jobs
        yield ("Mark folder", "Mark or unmark the folder under the cursor", tree.action_toggle_mark)
        yield ("Add marked folders", "Each marked folder as its own book", tree.action_add_each)
        yield ("Add as one book", "All marked folders as one book", tree.action_add_one_book)
        yield ("Refresh folders", "Read the folders again (ctrl+r)", tree.action_refresh_folders)
        yield ("Parent folder", "Show the folder above as the root (u)", tree.action_go_up)
        yield ("Cancel job", "Cancel the selected job", jobs.action_cancel)
        yield ("Retry job", "Queue a failed or cancelled job again", jobs.action_retry)
        yield ("Delete job", "Delete the selected job", jobs.action_delete)
        yield ("Clear old jobs", "Remove old finished jobs", jobs.action_clear_old)
        yield ("Filter jobs", "By status and/or text", jobs.action_filter)
        yield ("Watch inbox", "Queue new book folders dropped in a folder", self.action_watch_inbox)
        yield ("Toggle library", "Library or jobs, on narrow terminals", self.action_toggle_library)
