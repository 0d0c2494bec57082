"""The main screen: the header, the library, the jobs panel and the log, and the routes
between them.

Widgets post messages; this screen routes them: the jobs feed's counts to the header and
its status changes to the log, the folder tree's `AddRequested` to the add dialogs, the
jobs panel's `Asked` to the job's details or a job command (asking first where it cannot
be undone). It starts a worker when books wait, asks the workers to watch an inbox (or to
stop) on `w`, and folds the panes on narrow terminals. The app tells it when the job store
is open (`store_opened`).
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
from aiom4b_tui.ui.jobs.actions import JobAction
from aiom4b_tui.ui.jobs.feed import JobFeed
from aiom4b_tui.ui.jobs.panel import JobsPanel
from aiom4b_tui.ui.reported import reported
from aiom4b_tui.ui.text.formatting import home_label
from aiom4b_tui.ui.widgets.event_log import EventLog
from aiom4b_tui.ui.widgets.folder_tree import FolderTree
from aiom4b_tui.ui.widgets.header_bar import HeaderBar
from aiom4b_tui.ui.widgets.key_bar import KeyBar
from aiom4b_tui.ui.widgets.library_pane import LibraryPane

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings
    from aiom4b_tui.store.models import JobDB
    from aiom4b_tui.ui.start.store import Store
    from aiom4b_tui.ui.worker.link import WorkerLink

NARROW_WIDTH = 100
STOP_WATCHING_DETAIL = "New folders dropped in it are no longer queued; books queued stay."

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
        self._narrow_choice_made = False
        self._first_counts = True

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.worker_link, id="top")
        # Folded from the start on a narrow terminal: a class set once mounted would
        # restyle the panes before the first frame (~12 ms).
        narrow = "-narrow" if self.app.size.width < NARROW_WIDTH else None
        with Horizontal(id="panes", classes=narrow):
            yield LibraryPane(self.library_root, id="library")
            yield JobsPanel(self.store, self.clock, id="jobs")
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
        self.log_line(f"Library {home_label(self.library_root, 60)}")

    def store_opened(self) -> None:
        """The job store is open (after the first frame): the rooms start reading it."""
        self.jobs.start()
        self.header.start()

    # ---- routes --------------------------------------------------------------------------

    def log_line(self, text: str, style: str = "") -> None:
        """Add one line to the log pane (the text already safe to show)."""
        self.log_pane.event(text, self.clock(), style)

    def on_job_feed_status_changed(self, message: JobFeed.StatusChanged) -> None:
        message.stop()
        self.log_line(message.text, message.style)

    def on_job_feed_counted(self, message: JobFeed.Counted) -> None:
        message.stop()
        self.header.show_counts(message.counts)
        if self._first_counts:
            self._first_counts = False
            if not self._narrow_choice_made:
                self._show_library(not sum(message.counts.values()))
            if message.counts.get(JobStatus.QUEUED):
                self.start_worker()
            else:
                self._keep_inbox_watched()

    def jobs_queued(self) -> None:
        """Jobs were queued from here: show them now, and start a worker for them."""
        self.jobs.poll_now()
        self.start_worker()

    def workers_changed(self) -> None:
        """The workers or the pause changed (from this app): show it now."""
        self.header.poll_workers()

    @work(thread=True, group="start-worker", exit_on_error=False)
    @reported
    def start_worker(self) -> None:
        """Start a detached worker unless one runs; say so once when one was started."""
        self._start_and_tell()

    @work(thread=True, group="start-worker", exit_on_error=False)
    @reported
    def _keep_inbox_watched(self) -> None:
        """An inbox the workers were asked to watch (before this app started) needs one."""
        if self.worker_link.inbox_request() is not None:
            self._start_and_tell()

    def _start_and_tell(self) -> None:
        """Start a worker unless one runs (blocking: from a thread worker)."""
        pid = self.worker_link.ensure()
        if pid is None:
            return
        log = visible(self.worker_link.log_path)
        holder = self.worker_link.lock_holder()
        if holder is None:  # it ended before taking the lock
            self.app.call_from_thread(
                self.log_line, f"worker (pid {pid}) did not start: see {log}", "red"
            )
        elif holder == pid:  # not another client's worker, which won a race to the lock
            self.app.call_from_thread(
                self.log_line, f"worker started (pid {pid}, log: {log})", "dim"
            )
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

    def on_folder_tree_add_requested(self, message: FolderTree.AddRequested) -> None:
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
                self.store.database,
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
            self.jobs_queued()
            if self.query_one("#panes").has_class("-narrow"):
                self._show_library(False)

    # ---- the job keys --------------------------------------------------------------------

    def on_jobs_panel_asked(self, message: JobsPanel.Asked) -> None:
        message.stop()
        if message.action is JobAction.DETAILS:
            if message.job is not None:
                self._show_details(message.job)
        else:
            self._act_on_job(message.action, message.job)

    def _show_details(self, job: JobDB) -> None:
        from aiom4b_tui.ui.screens.job_details import JobDetailsScreen

        service = self.store.open()  # open already: the job's row came from it
        self.app.push_screen(JobDetailsScreen(job, service, self.settings, self.clock))

    @work(group="job-keys")
    @reported
    async def _act_on_job(self, action: JobAction, job: JobDB | None) -> None:
        """Carry out a job key's command, asking first where it cannot be undone."""
        from aiom4b_tui.ui.jobs import actions

        refusal = actions.refusal(action, job)
        if refusal is not None:
            self.notify(refusal, severity="warning")
            return
        days = self.settings.days_kept
        asked = actions.question(action, job, days)
        if asked is not None:
            from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen  # dialogs: not at start

            if not await self.app.push_screen_wait(ConfirmScreen(*asked)):
                return
        service = await self.store.opened()
        outcome = await asyncio.to_thread(actions.run, action, service, job, days)
        told = actions.told(action, outcome)
        if told.log is not None:
            self.log_line(*told.log)
        if told.note is not None:
            text, severity = told.note
            self.notify(text, severity=severity, markup=False)  # type: ignore[arg-type]
        if action is JobAction.DELETE and job is not None:
            self.jobs.drop(job.id)
        elif action is JobAction.CLEAR_OLD:
            self.jobs.reload()
        elif outcome.job is not None and outcome.job.status is JobStatus.QUEUED:
            self.start_worker()  # queued again: a worker is needed
        self.jobs.poll_now()

    # ---- the inbox -----------------------------------------------------------------------

    @work(group="dialogs", exclusive=True)
    @reported
    async def action_watch_inbox(self) -> None:
        """Ask the workers to watch an inbox folder (new book folders dropped in it are
        queued), or, while one is watched, to stop."""
        asked = await asyncio.to_thread(self.worker_link.inbox_request)
        if asked is not None:
            await self._stop_watching(Path(asked.path))
            return
        from aiom4b_tui.ui.dialogs.prompt import PromptScreen  # dialogs: after the first frame

        inbox = self.settings.inbox_dir
        typed = await self.app.push_screen_wait(
            PromptScreen("Watch this folder for new books:", value=str(inbox or ""))
        )
        if not typed:
            return
        folder = Path(typed).expanduser()
        if not await asyncio.to_thread(folder.is_dir):
            self.notify(f"Not a folder: {visible(folder)}", severity="error", markup=False)
            return
        folder = await asyncio.to_thread(folder.resolve)
        await asyncio.to_thread(self.worker_link.watch_inbox, folder, self.inbox_settle)
        shown = visible(folder)
        self.log_line(f"the worker is asked to watch {shown} (settle {self.inbox_settle:g} s)")
        self.start_worker()
        self.workers_changed()

    async def _stop_watching(self, inbox: Path) -> None:
        """Ask whether to stop watching `inbox`; if so, ask the workers to stop."""
        from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen  # dialogs: after the first frame

        question = f"Stop watching {home_label(inbox, 50)}?"
        dialog = ConfirmScreen(question, "Stop watching", STOP_WATCHING_DETAIL)
        if await self.app.push_screen_wait(dialog):
            await asyncio.to_thread(self.worker_link.stop_watching)
            self.log_line(f"the workers are asked to stop watching {visible(inbox)}")
            self.workers_changed()

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
