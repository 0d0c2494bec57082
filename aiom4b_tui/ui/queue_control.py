"""The app's own queue and inbox: the runner started and stopped, its events shown, an
inbox watched, and quitting (stop the books, or leave them to a background worker).

The runner runs on a thread of its own (`RunnerHost`); the inbox watcher is an async worker
on the app's loop (its blocking parts run in threads). A mixin of `AiomApp`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from aiom4b_tui.core.models import JobDB
from aiom4b_tui.core.queue import RunnerEvent
from aiom4b_tui.core.watch import InboxWatcher
from aiom4b_tui.ui.background import spawn_background_worker
from aiom4b_tui.ui.messages import RunnerCrashed, RunnerReported
from aiom4b_tui.ui.screens.prompt import PromptScreen
from aiom4b_tui.ui.screens.quit import KEEP, QuitScreen

if TYPE_CHECKING:
    from aiom4b_tui.ui.app import AiomApp

    _Base = AiomApp
else:
    _Base = object


class QueueControl(_Base):
    """Running the queue and an inbox watcher in this process, and quitting."""

    _watch_stop: asyncio.Event | None = None

    # ---- the queue runner ----------------------------------------------------------------

    def _start_queue(self) -> None:
        """Run the queue in this process."""
        self.runner.start()
        self.log_event("Queue running in this process")

    def _runner_event(self, event: RunnerEvent) -> None:
        """Called on the runner's thread: pass the event to the UI as a message."""
        self.post_message(RunnerReported(event))

    def _runner_crashed(self, error: BaseException) -> None:
        """Called on the runner's thread when the runner itself failed."""
        self.post_message(RunnerCrashed(error))

    def on_runner_crashed(self, message: RunnerCrashed) -> None:
        text = f"Queue stopped in this process: {type(message.error).__name__}: {message.error}"
        self.log_event(text, "red")
        self.notify(text + " (start `aiom4b worker` or restart the app)", severity="error")

    def on_runner_reported(self, message: RunnerReported) -> None:
        if self.main_screen_gone:
            return
        event = message.event
        if event.kind == "log":
            self.log_event(f"{event.title}: {event.message}", "dim")
        elif event.kind == "status":
            # Committed before it was announced: look now rather than at the next poll.
            self._poll()

    # ---- the inbox -----------------------------------------------------------------------

    @work(group="dialogs", exclusive=True)
    async def action_watch_inbox(self) -> None:
        """Watch an inbox folder: new book folders dropped in it are queued."""
        inbox = self.settings.inbox_dir
        typed = await self.push_screen_wait(
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
    async def _watch_inbox(self, inbox: Path, stop: asyncio.Event) -> None:
        if not await asyncio.to_thread(inbox.is_dir):
            self.notify(f"Not a folder: {inbox}", severity="error")
            return
        watcher = InboxWatcher(
            self.service, inbox, settle=self.inbox_settle, on_job=self._inbox_job
        )
        self.watched_inbox = watcher.inbox
        self.log_event(f"Watching {watcher.inbox} for new books (settle {self.inbox_settle:g} s)")
        try:
            await watcher.run(stop)
        finally:
            if self._watch_stop is stop:
                self.watched_inbox = None

    def _inbox_job(self, job: JobDB) -> None:
        """The watcher queued a folder (called on the app's loop)."""
        folder = job.folders()[0]
        self.log_event(f"◌ {folder.name}: queued from the inbox")
        self.runner.wake()
        self._poll()

    def _stop_watch(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()

    # ---- quitting ------------------------------------------------------------------------

    @work(group="dialogs", exclusive=True)
    async def action_quit_app(self) -> None:
        """Quit; when books convert here, ask whether to stop them or leave them running."""
        running = self.runner.running_count
        if running:
            choice = await self.push_screen_wait(QuitScreen(running))
            if choice is None:
                return
            self._stop_watch()
            self.log_event("Stopping the queue…")
            await self._stop_queue_in_thread()
            if choice == KEEP:
                pid = await asyncio.to_thread(spawn_background_worker, self.settings.data_dir)
                self.log_event(f"Background worker started (pid {pid})")
        else:
            self._stop_watch()
            await self._stop_queue_in_thread()
        self.exit(0)

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit ask like `q` does."""
        self.action_quit_app()

    async def on_unmount(self) -> None:
        """However the app ends (a hang-up, an error, a test's pilot), stop this process's
        queue before the interpreter does: running books go back to queued, no ffmpeg
        is left, and no half-stopped runner logs errors at exit. A no-op after a quit."""
        self._stop_watch()
        await asyncio.to_thread(self.runner.stop)

    async def _stop_queue_in_thread(self) -> None:
        worker = self.run_worker(self.runner.stop, thread=True, group="stop-queue")
        await worker.wait()
