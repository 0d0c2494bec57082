"""Runs the queue (`core.queue.QueueRunner`) on a thread of its own, with its own event loop.

ffmpeg children, progress writes to SQLite and the runner's waits all stay off the UI's
loop; the app only reads the database and gets the runner's events as messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiom4b_tui.core.jobs import JobService
    from aiom4b_tui.core.settings import Settings


def queue_runner_class() -> type | None:
    """`QueueRunner`, or None while the queue is not installed."""
    try:
        from aiom4b_tui.core.queue import QueueRunner
    except ImportError:
        return None
    return QueueRunner


class RunnerHost:
    """One QueueRunner, started and stopped from the UI thread."""

    def __init__(
        self,
        service: JobService,
        settings: Settings,
        on_event: Callable[[Any], None],
    ) -> None:
        self.service = service
        self.settings = settings
        self.on_event = on_event
        self.runner: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start the runner; False when there is no queue to run."""
        runner_class = queue_runner_class()
        if runner_class is None:
            return False
        self.runner = runner_class(self.service, self.settings, on_event=self.on_event)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="aiom4b-queue", daemon=True)
        self._thread.start()
        return True

    def _run(self) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.runner.run())
        finally:
            self._loop.close()

    @property
    def running_count(self) -> int:
        """How many books this process is converting now."""
        if self.runner is None or self._thread is None or not self._thread.is_alive():
            return 0
        return len(self.runner.running_job_ids)

    def stop(self, *, requeue: bool = True, timeout: float = 30.0) -> None:
        """Stop the runner (running books go back to queued when `requeue`) and wait. Blocking."""
        if self.runner is None or self._loop is None or self._thread is None:
            return
        if self._thread.is_alive():
            future = asyncio.run_coroutine_threadsafe(self.runner.stop(requeue=requeue), self._loop)
            with contextlib.suppress(Exception):
                future.result(timeout)
            self._thread.join(timeout)
