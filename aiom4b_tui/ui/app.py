"""The aiom4b app, built by `create_app`: thin. It keeps the settings, the job store,
the worker control, the command palette and the one handler for failed work; the main
screen (`screens/main.py`) composes the rooms and routes their messages.

The first screen is drawn before the job store is open and before the full settings are
built: it needs only the data dir and the folders (config/app_settings.py). The store (the
settings, SQLAlchemy, SQLModel, the database and its schema check) is opened in a thread
once that frame is shown, and the rooms start reading it when it is
(`MainScreen.store_opened`).
Settings or a store that cannot be used end the app; `run_tui` then raises the error,
for the CLI to tell in a sentence.

The app never converts: a detached `aiom4b worker` does, so `q` quits at once and a
dropped terminal (SIGHUP) just ends the app; the books carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from aiom4b_tui.config.app_settings import AppSettings
from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.add_book.cover_art import detect_graphics
from aiom4b_tui.ui.dialogs.output_folder import OutputFolderScreen, should_ask
from aiom4b_tui.ui.reported import WorkFailed, reported
from aiom4b_tui.ui.screens.main import MainScreen
from aiom4b_tui.ui.start.gc_hold import release_collector
from aiom4b_tui.ui.start.store import Store
from aiom4b_tui.ui.start.styles import later_style_paths, style_paths
from aiom4b_tui.ui.worker.link import WorkerLink

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings
    from aiom4b_tui.store.jobs import JobService

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The time now in UTC, as the database keeps it (the default clock)."""
    return datetime.now(UTC)


# queue.inbox.SETTLE_SECONDS without importing the inbox watcher (watchfiles, the engine's
# folder reading) before the first screen; tests/cli/test_light_start.py keeps them equal.
SETTLE_SECONDS = 30.0

STOP_QUESTION = "Stop everything?"
STOP_DETAIL = (
    "The worker stops; running books go back to the queue and resume from their "
    "finished segments next time."
)
# The same failure again this soon is not said again.
REPEAT_QUIET_SECONDS = 30.0
# Worker control acts on the queue, not on a dialog: only from the main screen.
MAIN_SCREEN_ACTIONS = frozenset({"pause_or_resume", "stop_everything"})


class AiomApp(App[int]):
    """Folders in, queued books out; the queue shown live from the database."""

    CSS_PATH = style_paths()
    TITLE = "aiom4b"
    main_screen: MainScreen
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("p", "pause_or_resume", "Pause"),
        Binding("S", "stop_everything", "Stop all", show=False),
    ]

    def __init__(
        self,
        settings: AppSettings,
        service: JobService | None,
        library_root: Path,
        *,
        clock: Clock = utc_now,
        start_worker: bool = True,
        inbox_settle: float = SETTLE_SECONDS,
        ask_output_dir: bool | None = None,
    ) -> None:
        super().__init__()
        self.ask_output_dir = ask_output_dir  # None: ask unless headless (tests)
        self.settings = settings
        self.store = Store(settings, service)  # None: opened after the first frame
        self.store_error: Exception | None = None  # why the store could not be opened
        self.library_root = library_root
        self.clock = clock
        self.inbox_settle = inbox_settle
        self.worker_link = WorkerLink(
            self.store.database, settings.data_dir, autostart=start_worker
        )
        self._last_failure: tuple[str, float] = ("", 0.0)
        self._later_styles_read = False

    @property
    def service(self) -> JobService:
        """The job service (opened now if the app has not yet: blocks)."""
        return self.store.open()

    def get_default_screen(self) -> Screen:
        """The main screen, made once when the app starts."""
        self.main_screen = MainScreen(
            self.settings,
            self.store,
            self.worker_link,
            self.library_root,
            self.clock,
            self.inbox_settle,
        )
        return self.main_screen

    def on_mount(self) -> None:
        with contextlib.suppress(RuntimeError, ValueError, NotImplementedError):
            # Only possible on the main thread's loop; the terminal is gone: just end.
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.exit, 0)
        ask = not self.is_headless if self.ask_output_dir is None else self.ask_output_dir
        if ask and should_ask(self.settings):
            self.push_screen(OutputFolderScreen(self.settings), self._output_folder_chosen)

    def on_ready(self, event: events.Ready) -> None:
        # The first frame is on the terminal: now the costly part, off the event loop.
        release_collector()
        self._open_store()

    @work(group="store", exit_on_error=False)
    async def _open_store(self) -> None:
        """Open the job store in a thread; the rooms start reading it once it is open, and
        a store that cannot be opened ends the app (run_tui raises its error)."""
        try:
            await self.store.opened()
        except Exception as exc:
            self.store_error = exc
            self.exit(return_code=1)
            return
        self.main_screen.store_opened()

    def _output_folder_chosen(self, folder: Path | None) -> None:
        if folder is not None and self.main_screen.is_attached:
            self.main_screen.log_line(f"finished books go to {visible(str(folder))}")

    def run(self, *args: Any, **kwargs: Any) -> int | None:
        """Run in this terminal: covers get real pixels where it can show them (asked
        here, as Textual's own input reading would swallow the terminal's answer)."""
        detect_graphics()
        return super().run(*args, **kwargs)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """Push a screen (a dialog, the details); the first one reads their stylesheets."""
        if not self._later_styles_read:
            self._later_styles_read = True
            # Added, not re-parsed: the stylesheet parses only the new source (~6 ms).
            for path in later_style_paths():
                self.stylesheet.read(path)
        return super().push_screen(screen, *args, **kwargs)

    def on_unmount(self) -> None:
        with contextlib.suppress(RuntimeError, ValueError, NotImplementedError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_SCREEN_ACTIONS:
            return self.screen is self.main_screen
        return True

    # ---- the one handler for failed work -------------------------------------------------

    def on_work_failed(self, message: WorkFailed) -> None:
        # An error's text may quote a file's name or ffmpeg's output: shown, never obeyed.
        error = visible(message.error)
        text = f"{message.where}: {type(message.error).__name__}: {error}"
        now = time.monotonic()
        if self._last_failure[0] == text and now - self._last_failure[1] < REPEAT_QUIET_SECONDS:
            return  # a poll failing each time it runs is said once, not every 0.4 s
        self._last_failure = (text, now)
        if self.main_screen.is_attached:
            self.main_screen.log_line(text, "bold red")
        self.notify(error, title="Something went wrong", severity="error", markup=False)

    # ---- worker control ------------------------------------------------------------------

    @work(group="worker-control", exclusive=True)
    @reported
    async def action_pause_or_resume(self) -> None:
        """Pause the queue (asking how), or resume it when paused."""
        if await asyncio.to_thread(self.worker_link.pause_mode) is not None:
            from aiom4b_tui.store.models import JobStatus  # loaded with the store, just now

            await asyncio.to_thread(self.worker_link.resume)
            self.main_screen.log_line("queue resumed")
            service = await self.store.opened()
            counts = await asyncio.to_thread(service.count_by_status)
            if counts.get(JobStatus.QUEUED):
                self.main_screen.start_worker()
        else:
            from aiom4b_tui.store.workers import PauseMode
            from aiom4b_tui.ui.dialogs.pause import PauseScreen

            mode = await self.push_screen_wait(PauseScreen())
            if mode is None:
                return
            await asyncio.to_thread(self.worker_link.pause, mode)
            how = "running books finish" if mode is PauseMode.FINISH else "running books stop"
            self.main_screen.log_line(f"queue paused: {how}")
        self.main_screen.workers_changed()

    @work(group="worker-control", exclusive=True)
    @reported
    async def action_stop_everything(self) -> None:
        """Stop every worker, after saying what that does."""
        from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen  # dialogs: after the first frame

        if not await self.push_screen_wait(ConfirmScreen(STOP_QUESTION, "Stop", STOP_DETAIL)):
            return
        asked = await asyncio.to_thread(self.worker_link.stop_everything)
        workers = "1 worker" if asked == 1 else f"{asked} workers"
        self.main_screen.log_line(f"stop asked of {workers}" if asked else "no worker to stop")
        self.main_screen.workers_changed()

    def action_help(self) -> None:
        """Show the keys."""
        from aiom4b_tui.ui.dialogs.help import HelpScreen  # dialogs: after the first frame

        self.push_screen(HelpScreen())

    # ---- the command palette -------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = [
            ("Pause or resume", "Pause the queue, or resume it (p)", self.action_pause_or_resume),
            ("Stop everything", "Stop the workers (S)", self.action_stop_everything),
            ("Help", "The keys", self.action_help),
        ]
        if screen is self.main_screen:
            commands += list(self.main_screen.commands())
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)


def create_app(
    settings: Settings | AppSettings,
    start_path: Path | None = None,
    *,
    service: JobService | None = None,
    clock: Clock = utc_now,
    start_worker: bool = True,
    inbox_settle: float = SETTLE_SECONDS,
    ask_output_dir: bool | None = None,
) -> AiomApp:
    """The app for these settings; the folder picker opens at `start_path` (else the library).

    Without a `service`, the app opens the settings' job store itself, after its first
    frame (`app.service` opens it at once, for tests); AppSettings not built yet are
    built then too. `start_worker=False` never starts a worker (tests that look at the
    queue as it is).
    """
    if not isinstance(settings, AppSettings):
        settings = AppSettings.of(settings)
    root = start_path or settings.library_dir or Path.cwd()
    return AiomApp(
        settings,
        service,
        Path(root).expanduser().resolve(),
        clock=clock,
        start_worker=start_worker,
        inbox_settle=inbox_settle,
        ask_output_dir=ask_output_dir,
    )
