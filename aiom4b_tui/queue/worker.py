"""A worker's life around its QueueRunner: registered in the `workers` table, beating,
honouring the queue's pause and stop requests from any client, watching the inbox it is
asked to (queue/inbox_keeper.py), exiting when it has had nothing to do for its idle
time (never while it watches an inbox), and stopping when its data dir is deleted (or its
database replaced) under it.

The command line (`aiom4b worker`) takes the data dir's lock and handles signals; this
module is what runs between: `run_worker`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.queue.inbox_keeper import InboxKeeper
from aiom4b_tui.queue.runner.runner import QueueRunner
from aiom4b_tui.store.workers import PauseMode, WorkerInfo, WorkerRegistry

BEAT_INTERVAL = 2.0
PAUSE_INTERVAL = 1.0
CONTROL_INTERVAL = 0.5  # how often the data dir is looked at

_log = logging.getLogger(__name__)

Say = Callable[[str], None]


class DataDirWatch:
    """Notices the data dir deleted, or its database file deleted or replaced."""

    def __init__(self, data_dir: Path, db_file: Path | None) -> None:
        self.data_dir = Path(data_dir)
        self.db_file = Path(db_file) if db_file is not None else None  # None: PostgreSQL
        self._identity = self._stat_identity()

    def _stat_identity(self) -> tuple[int, int] | None:
        if self.db_file is None:
            return None
        try:
            st = os.stat(self.db_file)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def problem(self) -> str | None:
        """Why the worker must stop, or None while all is as it was at the start."""
        if not self.data_dir.is_dir():
            return f"the data dir {self.data_dir} was deleted; stopping"
        if self.db_file is None:
            return None
        identity = self._stat_identity()
        if identity is None:
            return f"the database {self.db_file} was deleted; stopping"
        if self._identity is not None and identity != self._identity:
            return f"the database {self.db_file} was replaced; stopping"
        return None


class IdleClock:
    """How long a worker has had nothing to do (no book running or waiting, no inbox)."""

    def __init__(self) -> None:
        self._since: float | None = None

    def idle_for(self, busy: bool, now: float) -> float:
        """Seconds idle as of `now`, given whether the worker is busy now."""
        if busy:
            self._since = None
            return 0.0
        if self._since is None:
            self._since = now
        return now - self._since


@dataclass
class WorkerOutcome:
    """How a worker's run ended."""

    stop_reason: str | None = None  # why it stopped, when it was not idle/--once/a signal
    data_dir_gone: bool = False


class WorkerSupervisor:
    """Beats for its runner and applies what clients ask through the database."""

    def __init__(
        self,
        runner: QueueRunner,
        registry: WorkerRegistry,
        watch: DataDirWatch,
        *,
        say: Say,
        inbox: InboxKeeper | None = None,
        idle_exit: float | None = None,
        beat_interval: float = BEAT_INTERVAL,
        pause_interval: float = PAUSE_INTERVAL,
        control_interval: float = CONTROL_INTERVAL,
    ) -> None:
        self.runner = runner
        self.registry = registry
        self.watch = watch
        self.say = say
        self.inbox = inbox
        self.idle_exit = idle_exit
        self.beat_interval = beat_interval
        self.pause_interval = pause_interval
        self.control_interval = control_interval
        self.outcome = WorkerOutcome()
        self.pause_mode: PauseMode | None = None
        self._idle = IdleClock()
        self._done = asyncio.Event()

    def finish(self) -> None:
        """End the supervision loop (the runner has stopped)."""
        self._done.set()

    async def check_pause(self) -> None:
        """Read the queue's pause switch and apply it to the runner."""
        mode = await asyncio.to_thread(self.registry.pause_mode)
        if mode == self.pause_mode:
            return
        self.pause_mode = mode
        if mode is None:
            self.runner.resume()
            self.say("queue resumed")
        elif mode is PauseMode.FINISH:
            self.runner.pause()
            self.say("queue paused: running books finish, no new book starts")
        else:
            self.runner.pause(stop_running=True)
            self.say("queue paused: running books stop and go back to the queue, work kept")

    async def is_busy(self) -> bool:
        """True while a book runs or waits in the queue, or an inbox is watched."""
        if self.runner.running_job_ids or (self.inbox and self.inbox.watching):
            return True
        queued = await asyncio.to_thread(self.runner.service.any_claimable)
        return queued or bool(self.runner.running_job_ids)  # one claimed meanwhile

    async def idle_too_long(self) -> bool:
        """True once the worker has been idle for its idle time (never without one)."""
        if self.idle_exit is None:
            return False
        idle = self._idle.idle_for(await self.is_busy(), time.monotonic())
        return idle >= self.idle_exit

    async def _follow_requests(self) -> bool:
        """Apply the pause switch and the inbox asked for; True when idle for too long."""
        await self.check_pause()
        if self.inbox is not None:
            await self.inbox.check()
        return await self.idle_too_long()

    async def run(self) -> None:
        """Until finish(): watch the data dir, beat, follow pause, inbox and stop requests,
        and end the runner once idle for the idle time."""
        try:
            await self._supervise()
        finally:
            if self.inbox is not None:
                await self.inbox.stop()

    async def _supervise(self) -> None:
        next_beat = next_pause = 0.0
        while not self._done.is_set():
            problem = self.watch.problem()
            if problem is not None:
                self._stop_for(problem, gone=True)
                return
            now = time.monotonic()
            try:
                if now >= next_beat:
                    next_beat = now + self.beat_interval
                    if await self._beat():
                        self._stop_for("a stop was requested (aiom4b worker stop); stopping")
                        return
                if now >= next_pause:
                    next_pause = now + self.pause_interval
                    if await self._follow_requests():
                        _log.info("nothing queued or running for %g s; exiting", self.idle_exit)
                        self.runner.request_stop(requeue=True)
                        return
            except Exception as exc:  # a busy or failing database: try again next round
                _log.warning("the worker's look at the database failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._done.wait(), self.control_interval)

    async def _beat(self) -> bool:
        books = len(self.runner.running_job_ids)
        return await asyncio.to_thread(self.registry.beat, self.runner.worker_id, books)

    def _stop_for(self, reason: str, *, gone: bool = False) -> None:
        self.say(reason)
        self.outcome.stop_reason = reason
        if gone:
            self.outcome.data_dir_gone = True
            # Nothing can be recorded in a database that is gone; do not wait on it.
            self.runner.abandon_writes()
        self.runner.request_stop(requeue=True)


async def run_worker(
    runner: QueueRunner,
    registry: WorkerRegistry,
    info: WorkerInfo,
    watch: DataDirWatch,
    *,
    once: bool = False,
    idle_exit: float | None = None,
    inbox: InboxKeeper | None = None,
    say: Say,
) -> WorkerOutcome:
    """Register, run the queue until it stops (signal, stop request, idle, data dir
    gone), and unregister however it ends. `inbox` keeps the worker's inbox watch."""
    await asyncio.to_thread(registry.register, info)
    supervisor = WorkerSupervisor(
        runner, registry, watch, say=say, inbox=inbox, idle_exit=idle_exit
    )
    try:
        await supervisor.check_pause()  # before the first claim: a paused queue stays so
        control = asyncio.create_task(supervisor.run(), name="worker-control")
        try:
            await runner.run(once=once)
        finally:
            supervisor.finish()
            await control
    finally:
        if not supervisor.outcome.data_dir_gone:
            try:
                await asyncio.to_thread(registry.unregister, info.worker_id)
            except Exception as exc:
                _log.warning("could not remove this worker's row: %s", exc)
    return supervisor.outcome
