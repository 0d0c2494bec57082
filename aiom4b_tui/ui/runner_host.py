"""Runs the queue (`core.queue.QueueRunner`) on a thread of its own, with its own event loop.

ffmpeg children, progress writes to SQLite and the runner's waits all stay off the UI's
loop; the app only reads the database and gets the runner's events as messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiom4b_tui.core.queue import QueueRunner, RunnerEvent

if TYPE_CHECKING:
    from aiom4b_tui.core.jobs import JobService
    from aiom4b_tui.core.settings import Settings


class RunnerHost:
    """One QueueRunner, started and stopped from the UI thread.

    `on_event` is called on the runner's thread (the runner announces on its own loop).
    """

    def __init__(
        self,
        service: JobService,
        settings: Settings,
        on_event: Callable[[RunnerEvent], None],
        on_crash: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.on_event = on_event
        self.on_crash = on_crash
        self.runner: QueueRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the runner on its thread."""
        self.runner = QueueRunner(self.service, self.settings, on_event=self.on_event)
        self._stop_asked = asyncio.Event()  # binds to the runner's loop when first awaited
        self._requeue = True
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="aiom4b-queue", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        """Run the queue until stop() asks; then stop it and wait for it on this loop.

        The stop is awaited here, inside the loop's main coroutine: a stop() coroutine sent
        from outside could still be pending when run() returns and the loop closes.
        """
        assert self.runner is not None
        run = asyncio.create_task(self.runner.run())
        asked = asyncio.create_task(self._stop_asked.wait())
        await asyncio.wait({run, asked}, return_when=asyncio.FIRST_COMPLETED)
        if not run.done():
            # run() has begun by now (its task ran first), so stop() finds it running.
            await self.runner.stop(requeue=self._requeue)
        asked.cancel()
        outcome, _ = await asyncio.gather(run, asked, return_exceptions=True)
        if isinstance(outcome, Exception) and self.on_crash is not None:
            self.on_crash(outcome)

    @property
    def alive(self) -> bool:
        """True while the runner's thread runs."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def running_count(self) -> int:
        """How many books this process is converting now."""
        if self.runner is None or not self.alive:
            return 0
        for _attempt in range(3):
            # Read from this thread while the runner's changes it; a clash is simply retried.
            with contextlib.suppress(RuntimeError):
                return len(self.runner.running_job_ids)
        return 0

    def wake(self) -> None:
        """Have the runner look for queued jobs now (after one was added). Thread-safe."""
        if self.runner is not None and self._loop is not None and self.alive:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self._loop.call_soon_threadsafe(self.runner.wake)

    def stop(self, *, requeue: bool = True, timeout: float = 30.0) -> None:
        """Stop the runner (running books go back to queued when `requeue`) and wait. Blocking."""
        if self._loop is None or self._thread is None or not self._thread.is_alive():
            return
        self._requeue = requeue
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            self._loop.call_soon_threadsafe(self._stop_asked.set)
        self._thread.join(timeout)
