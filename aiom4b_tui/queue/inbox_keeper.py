"""The inbox a worker watches: the one its command line names (`aiom4b worker --watch`),
else the one a client asked the workers to watch through the database (the TUI's `w`).

`InboxKeeper.check` (called by the worker's supervisor about once a second) compares what
is asked with what is watched, and starts, switches or stops the worker's `InboxWatcher`
to match; the worker's row says which inbox it watches (`workers.watching`), which is
what clients show. An inbox asked through the database is named as the client names it
and watched where this host sees it (the worker's path map). One worker watches it: a
worker takes it only when no other live worker does, and of two that took it at once the
one that started first keeps it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.queue.inbox import InboxWatcher
from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobDB, WorkerDB
from aiom4b_tui.store.workers import InboxRequest, WorkerRegistry

# A watch that failed is tried again after this long, not at every check.
RETRY_SECONDS = 30.0

_log = logging.getLogger(__name__)

Say = Callable[[str], None]


def first_watcher(workers: list[WorkerDB], inbox: str) -> str | None:
    """The id of the worker that keeps the watch on `inbox`: of the live ones that say
    they watch it, the one that started first (None: nobody watches it)."""
    watching = [w for w in workers if w.watching == inbox]
    if not watching:
        return None
    return min(watching, key=lambda w: (w.started_at, w.id)).id


@dataclass
class _Watch:
    """A running watch: what was asked, where it is watched, and how to stop it."""

    request: InboxRequest
    folder: Path
    stop: asyncio.Event
    task: asyncio.Task[None]


class InboxKeeper:
    """Keeps one worker's inbox watch in line with what is asked."""

    def __init__(
        self,
        service: JobService,
        registry: WorkerRegistry,
        worker_id: str,
        *,
        path_map: PathMap | None = None,
        fixed: InboxRequest | None = None,
        on_job: Callable[[JobDB], None] | None = None,
        say: Say = _log.info,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.registry = registry
        self.worker_id = worker_id
        self.path_map = path_map or PathMap()
        self.fixed = fixed
        self.on_job = on_job
        self.say = say
        self.clock = clock
        self._watch: _Watch | None = None
        self._refused: tuple[InboxRequest, float] | None = None  # and when it may be tried again

    @property
    def watching(self) -> InboxRequest | None:
        """The inbox watched now (as asked), or None."""
        return self._watch.request if self._watch is not None else None

    async def check(self) -> None:
        """Read what is asked and start, switch or stop the watch to match."""
        await self._end_failed_watch()
        wanted = self.fixed or await asyncio.to_thread(self._asked)
        if wanted == self.watching:
            return
        await self.stop()
        if wanted is not None and self._may_try(wanted):
            await self._start(wanted, self.local_folder(wanted))

    def _asked(self) -> InboxRequest | None:
        """The queue's inbox, when this worker is the one to watch it (blocking)."""
        request = self.registry.inbox_request()
        if request is None:
            return None
        keeper = first_watcher(self.registry.live_workers(), request.path)
        return request if keeper in (None, self.worker_id) else None

    def _may_try(self, request: InboxRequest) -> bool:
        refused = self._refused
        return refused is None or refused[0] != request or self.clock() >= refused[1]

    def _refuse(self, request: InboxRequest, why: str) -> None:
        """Say why `request` is not watched, once until it is tried again."""
        self._refused = (request, self.clock() + RETRY_SECONDS)
        self.say(f"not watching {request.path}: {why}")

    def local_folder(self, request: InboxRequest) -> Path:
        """Where this host sees the inbox: the command line's as given, the queue's
        through the path map."""
        path = request.path if request is self.fixed else self.path_map.local(request.path)
        return Path(path).expanduser()

    async def _start(self, request: InboxRequest, folder: Path) -> None:
        if not await asyncio.to_thread(folder.is_dir):
            self._refuse(request, f"{folder} is not a folder on this host")
            return
        watcher = InboxWatcher(self.service, folder, settle=request.settle, on_job=self.on_job)
        stop = asyncio.Event()
        task = asyncio.create_task(watcher.run(stop), name="inbox-watch")
        self._watch = _Watch(request, watcher.inbox, stop, task)
        self._refused = None
        await asyncio.to_thread(self.registry.set_watching, self.worker_id, request.path)
        self.say(f"watching {watcher.inbox} for new books (settle {request.settle:g} s)")

    async def _end_failed_watch(self) -> None:
        """A watch whose task ended by itself (the inbox went away, watchfiles failed) is
        over: it is said, and tried again after RETRY_SECONDS."""
        watch = self._watch
        if watch is None or not watch.task.done():
            return
        error = None if watch.task.cancelled() else watch.task.exception()
        self._watch = None
        await asyncio.to_thread(self.registry.set_watching, self.worker_id, None)
        self._refuse(watch.request, f"the watch ended ({error or 'cancelled'})")

    async def stop(self) -> None:
        """Stop watching (if watching) and say so in the worker's row."""
        watch = self._watch
        if watch is None:
            return
        self._watch = None
        watch.stop.set()
        with contextlib.suppress(Exception):  # how it ended was said when it failed
            await watch.task
        self.say(f"stopped watching {watch.folder}")
        try:
            await asyncio.to_thread(self.registry.set_watching, self.worker_id, None)
        except Exception as exc:  # a database gone or busy: the row goes with the worker
            _log.warning("could not say in this worker's row that it stopped watching: %s", exc)
