"""The runner's periodic look at the database while books run: honour cancels asked for
from any process, notice a job taken away from it, write progress and heartbeats (which
renew its lease), flush the books' log lines; and, when the lease could not be renewed,
stop its books and hand them back once the database answers again (queue/runner/lease.py).
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiom4b_tui.queue.runner.active_job import StopReason
from aiom4b_tui.queue.runner.context import RunnerContext
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.store.models import JobStatus

PROGRESS_INTERVAL = 1.0

_log = logging.getLogger(__name__)

HANDED_BACK = "stopped: its worker could not renew its lease; queued again, its work kept"


class RunnerBeat:
    """One round of the runner's look at its running books' rows (call it often)."""

    def __init__(self, ctx: RunnerContext, progress_interval: float = PROGRESS_INTERVAL) -> None:
        self.ctx = ctx
        self.progress_interval = progress_interval
        self._last_beat = 0.0

    async def tick(self) -> None:
        """Fence on a lost lease, hand fenced books back, honour cancels, notice lost
        jobs, write progress and heartbeats, flush logs (database errors raise)."""
        self._fence_if_lease_lost()
        await self._hand_back_fenced()
        await self._poll_rows()
        await self._write_progress()
        await self._flush_logs()

    def _fence_if_lease_lost(self) -> None:
        """Stop every running book when the lease could not be renewed."""
        ctx = self.ctx
        if not ctx.active or not ctx.lease.lost():
            return
        silent = ctx.lease.silent_for()
        _log.warning("no heartbeat written for %.0f s: stopping this worker's books", silent)
        ctx.lease.fence(list(ctx.active))
        ctx.cancel_all(StopReason.LOST)

    async def _hand_back_fenced(self) -> None:
        """Queue again the books a lost lease stopped (unless another worker took them)."""
        ctx = self.ctx
        for job_id in ctx.lease.to_hand_back(ctx.active):
            await asyncio.to_thread(
                ctx.service.finish_running, job_id, ctx.worker_id, JobStatus.QUEUED, [HANDED_BACK]
            )
            ctx.lease.fenced.discard(job_id)

    async def _poll_rows(self) -> None:
        ctx = self.ctx
        ids = list(ctx.active)
        if not ids:
            return
        states = await asyncio.to_thread(ctx.service.running_states, ids)
        for job_id in ids:
            active = ctx.active.get(job_id)
            if active is None:
                continue
            state = states.get(job_id)
            ours = state is not None and state.worker == ctx.worker_id
            if state is None or not ours or state.status is not JobStatus.RUNNING:
                ctx.cancel(active, StopReason.LOST)
            elif state.cancel_requested:
                ctx.cancel(active, StopReason.CANCEL)

    async def _write_progress(self) -> None:
        ctx = self.ctx
        now = time.monotonic()
        if not ctx.active or now - self._last_beat < self.progress_interval:
            return
        self._last_beat = now
        reports = {}
        for active in ctx.active.values():
            if active.progress is not None and active.progress_dirty:
                reports[active.job_id] = active.progress
                active.progress_dirty = False
        ids = list(ctx.active)
        await asyncio.to_thread(ctx.service.heartbeat, ids, ctx.worker_id, reports)
        ctx.lease.renewed()
        for job_id, report in reports.items():
            ctx.emit(RunnerEvent.progress_made(job_id, ctx.title_of(job_id), report))

    async def _flush_logs(self) -> None:
        ctx = self.ctx
        for active in list(ctx.active.values()):
            if active.finishing or not active.pending_log:
                continue
            async with active.write_lock:
                lines = active.take_pending_log()
                if not lines:  # the job's end took them meanwhile
                    continue
                await asyncio.to_thread(ctx.service.add_log_lines, active.job_id, lines)
            for line in lines:
                ctx.emit(RunnerEvent.log_line(active.job_id, active.title, line))
