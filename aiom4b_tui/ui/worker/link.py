"""The app's hold on the queue's workers: start one when needed, pause, resume, stop, and
the inbox they are asked to watch.

Every method blocks (the database, a process start): call them from a thread worker.
The TUI never converts anything itself; a detached `aiom4b worker` does, and carries on
when the TUI quits or its terminal goes away. The registry (SQLAlchemy) is imported and
its database opened when first used, and the process control (queue/control/spawn.py)
too, so making a link costs nothing at start-up (the first frame waits for neither).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiom4b_tui.store.database.db import Database
    from aiom4b_tui.store.models import WorkerDB
    from aiom4b_tui.store.workers import InboxRequest, PauseMode, WorkerRegistry

# How long a started worker has to take the data dir's lock (Python's start-up on a busy
# machine takes seconds) before it is taken for failed; waiting ends when it exits.
LOCK_WAIT_SECONDS = 30.0


class WorkerLink:
    """Worker control for one data dir; `autostart=False` never starts a worker (tests).

    `db` is the database, or a function that opens it (called when first needed).
    """

    def __init__(
        self, db: Database | Callable[[], Database], data_dir: Path, *, autostart: bool = True
    ) -> None:
        self._db = db
        self._registry: WorkerRegistry | None = None
        self.data_dir = Path(data_dir)
        self.autostart = autostart
        self._starting = threading.Lock()

    @property
    def registry(self) -> WorkerRegistry:
        """The worker registry (the database opened first if it is not yet: blocks)."""
        if self._registry is None:
            from aiom4b_tui.store.workers import WorkerRegistry

            db = self._db() if callable(self._db) else self._db
            self._registry = WorkerRegistry(db)
        return self._registry

    @property
    def log_path(self) -> Path:
        """Where a started worker writes its output."""
        from aiom4b_tui.queue.control.worker_log import WORKER_LOG

        return self.data_dir / WORKER_LOG

    def ensure(self) -> int | None:
        """Start a worker unless one runs, or the queue is paused and no inbox is to be
        watched; the new pid, else None.

        One start at a time, and each waits until its worker holds the lock, so two jobs
        added a moment apart start one worker, not two.
        """
        if not self.autostart:
            return None
        from aiom4b_tui.queue.control.spawn import ensure_worker

        with self._starting:
            registry = self.registry
            if registry.pause_mode() is not None and registry.inbox_request() is None:
                return None
            pid = ensure_worker(self.data_dir)
            if pid is not None:
                self._wait_for_lock(pid, LOCK_WAIT_SECONDS)
            return pid

    def _wait_for_lock(self, pid: int, seconds: float) -> None:
        """Until a worker holds the lock with its pid written (-1: taken, pid not yet),
        or the started one has ended."""
        from aiom4b_tui.queue.control.worker_id import pid_alive

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            holder = self.lock_holder()
            if (holder is not None and holder > 0) or not pid_alive(pid):
                return
            time.sleep(0.05)

    def lock_holder(self) -> int | None:
        """The pid of the worker holding the data dir's lock, or None."""
        from aiom4b_tui.queue.control.lock import lock_holder

        return lock_holder(self.data_dir)

    def live_workers(self) -> list[WorkerDB]:
        """The workers whose heartbeat is recent."""
        return self.registry.live_workers()

    def pause_mode(self) -> PauseMode | None:
        """How the queue is paused, or None when it runs."""
        return self.registry.pause_mode()

    def pause(self, mode: PauseMode) -> None:
        """Pause the queue: running books finish, or stop keeping their progress."""
        self.registry.pause(mode)

    def resume(self) -> None:
        """Let the workers take books again."""
        self.registry.resume()

    def inbox_request(self) -> InboxRequest | None:
        """The inbox the workers are asked to watch, or None."""
        return self.registry.inbox_request()

    def watch_inbox(self, inbox: Path, settle: float) -> None:
        """Ask the workers to watch `inbox` (a folder is taken once quiet for `settle` s)."""
        from aiom4b_tui.store.workers import InboxRequest

        self.registry.watch_inbox(InboxRequest(str(inbox), settle))

    def stop_watching(self) -> None:
        """Ask the workers to stop watching the inbox."""
        self.registry.stop_watching()

    def stop_everything(self) -> int:
        """Ask every worker to stop (running books go back to the queue); how many were asked."""
        return self.registry.request_stop()
