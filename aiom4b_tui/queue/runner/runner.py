"""QueueRunner: claims queued jobs, runs up to N books at once, records every status change.

The database is the one source of truth: every transition is written through JobService
before it is announced (`on_event`), so another process — or a second connection — sees
it the moment it happens. Every half second the runner reads its running jobs' rows (to
honour cancels asked for from any process, and to notice a job taken away from it), and
about once a second it writes their progress and heartbeat.

JobService is blocking: every call goes through `asyncio.to_thread`, so a busy database
never blocks the event loop the TUI shares. The runner's parts, each in its own module:
queue/runner/claims.py (the claim loop), queue/runner/book_task.py (one book's run and its recorded
end), queue/runner/beat.py (heartbeats, cancels, the lease), queue/runner/upkeep.py
(clearing and recovery), sharing a queue/runner/context.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from uuid import UUID

from aiom4b_tui.config.settings import Settings
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.queue.control.worker_id import current_worker_id
from aiom4b_tui.queue.execute import Executor, convert_job
from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.queue.recovery import OrphanRecovery, OrphanRules, lease_rules
from aiom4b_tui.queue.runner.active_job import StopReason
from aiom4b_tui.queue.runner.beat import PROGRESS_INTERVAL, RunnerBeat
from aiom4b_tui.queue.runner.book_task import BookRunner
from aiom4b_tui.queue.runner.claims import ClaimLoop
from aiom4b_tui.queue.runner.context import RunnerContext
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.queue.runner.lease import LeaseGuard
from aiom4b_tui.queue.runner.record_end import EndRecorder
from aiom4b_tui.queue.runner.upkeep import RECOVER_INTERVAL, RunnerUpkeep
from aiom4b_tui.queue.visibility import JobVisibility
from aiom4b_tui.queue.work_folders import WorkFolders, WorkRemover
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobDB

__all__ = ["POLL_INTERVAL", "PROGRESS_INTERVAL", "RECOVER_INTERVAL", "QueueRunner", "RunnerEvent"]

POLL_INTERVAL = 0.5

_log = logging.getLogger(__name__)


class QueueRunner:
    """Runs queued jobs of one database, `books` at a time, over one shared ffmpeg pool."""

    def __init__(
        self,
        service: JobService,
        settings: Settings,
        *,
        books: int | None = None,
        pool: FFmpegPool | None = None,
        worker_id: str | None = None,
        on_event: Callable[[RunnerEvent], None] | None = None,
        execute: Executor | None = None,
        orphan_rules: OrphanRules | None = None,
        remove_work: WorkRemover | None = None,
        poll_interval: float = POLL_INTERVAL,
    ) -> None:
        self.service = service
        self.settings = settings
        self.books = max(1, books or settings.books_at_once)
        self.worker_id = worker_id or str(current_worker_id())
        self._poll_interval = poll_interval
        self._idle = asyncio.Event()
        self._idle.set()
        self._idle_since: float | None = None
        path_map = PathMap(settings.path_map)
        work_folders = WorkFolders(settings, remove_work) if remove_work else WorkFolders(settings)
        self._ctx = RunnerContext(
            service,
            settings,
            self.worker_id,
            lease=LeaseGuard(settings.lease_seconds),
            # A shared queue (or a path map): claim only jobs whose folders this host sees.
            visibility=JobVisibility(
                path_map, check=service.db.is_postgres or bool(settings.path_map)
            ),
            work_folders=work_folders,
            on_event=on_event,
        )
        self._books = BookRunner(self._ctx, execute or convert_job, pool)
        self._claims = ClaimLoop(self._ctx, self.books, self._books.start)
        self._beat = RunnerBeat(self._ctx)
        recovery = OrphanRecovery(
            service, self.worker_id, orphan_rules or lease_rules(settings), work_folders, path_map
        )
        self._upkeep = RunnerUpkeep(self._ctx, recovery)

    @property
    def on_event(self) -> Callable[[RunnerEvent], None] | None:
        """Called with every event, after it is in the database."""
        return self._ctx.on_event

    @on_event.setter
    def on_event(self, callback: Callable[[RunnerEvent], None] | None) -> None:
        self._ctx.on_event = callback

    @property
    def pool(self) -> FFmpegPool | None:
        """The ffmpeg pool every book shares (made at the first book when not given)."""
        return self._books.pool

    @property
    def recorder(self) -> EndRecorder:
        """What writes the books' ends (retrying failed writes)."""
        return self._books.recorder

    @property
    def running_job_ids(self) -> set[UUID]:
        """The ids of the jobs this runner is running now."""
        return set(self._ctx.active)

    @property
    def unrecorded_job_ids(self) -> set[UUID]:
        """Jobs whose end could not be written before the runner stopped (their rows
        are left running: recovery finishes them)."""
        return set(self.recorder.unrecorded)

    # --- Running -------------------------------------------------------------------------

    async def run(self, *, once: bool = False, idle_exit: float | None = None) -> None:
        """Run queued jobs until stop() (with `once`: until nothing is queued or running;
        with `idle_exit`: once nothing was queued or running for that many seconds)."""
        await self._serve(claim=True, stop_when_idle=once, idle_exit=idle_exit)

    async def run_job(self, job_id: UUID) -> JobDB | None:
        """Claim this one queued job and run it to its end (the `convert` verb); returns
        the job as it ended, or None when it was not queued."""
        job = await asyncio.to_thread(self.service.claim_job, job_id, self.worker_id)
        if job is None:
            return None
        self._books.start(job)
        await self._serve(claim=False, stop_when_idle=True, prepare=False)
        return await asyncio.to_thread(self.service.get_job, job_id)

    def wake(self) -> None:
        """Look for queued jobs now rather than at the next poll (e.g. after adding one)."""
        self._ctx.wake.set()

    # --- Pause and stop ------------------------------------------------------------------

    def pause(self, *, stop_running: bool = False) -> None:
        """Claim no new job; with `stop_running`, running jobs go back to the queue
        (their work folders kept, so they resume)."""
        self._claims.paused = True
        if stop_running:
            self._ctx.cancel_all(StopReason.HAND_BACK)

    def resume(self) -> None:
        """Claim queued jobs again after pause()."""
        if self._claims.paused:
            self._claims.paused = False
            self.wake()

    @property
    def paused(self) -> bool:
        """True between pause() and resume()."""
        return self._claims.paused

    def abandon_writes(self) -> None:
        """Stop retrying writes that fail (the database is gone); for a stop that
        cannot record anything anyway."""
        self.recorder.abandon()

    async def stop(self, *, requeue: bool = True) -> None:
        """Cancel the running jobs — back to queued (or cancelled, if not `requeue`) —
        and return when the runner has stopped, with no ffmpeg child left."""
        self.request_stop(requeue=requeue)
        await self._idle.wait()

    def request_stop(self, *, requeue: bool = True) -> None:
        """Begin stop() without waiting for it (for signal handlers and other sync code)."""
        if self._idle.is_set():
            return
        self._ctx.requeue_on_stop = requeue
        self._ctx.stop_requested.set()
        self.wake()
        self._ctx.cancel_all(StopReason.STOP)

    # --- The loop ------------------------------------------------------------------------

    async def _serve(
        self,
        *,
        claim: bool,
        stop_when_idle: bool,
        prepare: bool = True,
        idle_exit: float | None = None,
    ) -> None:
        ctx = self._ctx
        self._idle.clear()
        self.recorder.stopping = False
        try:
            if prepare:
                self._upkeep.announce(await asyncio.to_thread(self._upkeep.prepare))
            while not ctx.stop_requested.is_set():
                claimed, queued = await self._claims.fill_slots() if claim else (False, False)
                if stop_when_idle and not ctx.active and not claimed:
                    break
                if idle_exit is not None and self._idle_for(queued) >= idle_exit:
                    _log.info("nothing queued or running for %g s; exiting", idle_exit)
                    break
                await self._tick()
                await self._nap()
        finally:
            self.recorder.stopping = True
            await self._books.stop_all()
            ctx.stop_requested.clear()
            self._idle.set()

    def _idle_for(self, queued: bool) -> float:
        """Seconds since this runner last had a job running or one waiting in the queue."""
        now = time.monotonic()
        if self._ctx.active or queued:
            self._idle_since = None
            return 0.0
        if self._idle_since is None:
            self._idle_since = now
        return now - self._idle_since

    async def _tick(self) -> None:
        """The periodic look at the database, and recovery when it is due."""
        try:
            await self._beat.tick()
            if self._upkeep.due():
                self._upkeep.announce(await asyncio.to_thread(self._upkeep.recover))
        except Exception:
            _log.exception("the runner's look at the database failed; trying again")

    async def _nap(self) -> None:
        wake = self._ctx.wake
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), self._poll_interval)
        wake.clear()
