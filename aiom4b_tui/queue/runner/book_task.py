"""One claimed book, from its start to its recorded end: a task per book that runs the
conversion over the runner's ffmpeg pool and writes how it ended (completed, failed,
cancelled, or queued again keeping its work) before announcing it.

The end is written through EndRecorder (retried until it is written); only then is a
finished book's work folder removed.

Each book gets a rank, its claim order: the pool (queue/ffmpeg_slots.py) serves the lowest
first. Once a book's audio is made (the engine's "tagging" stage) it is marked
`audio_done` and the runner is woken, so the next book is claimed and scanned while this
one is muxed and checked.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from uuid import UUID

from aiom4b_tui.engine.failures import describe_failure
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.queue.execute import Executor, JobRun, make_pool
from aiom4b_tui.queue.ffmpeg_slots import book_rank
from aiom4b_tui.queue.runner.active_job import ActiveJob, StopReason
from aiom4b_tui.queue.runner.context import RunnerContext
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.queue.runner.record_end import EndRecorder, JobEnd
from aiom4b_tui.queue.work_folders import work_name
from aiom4b_tui.store.jobs import ProgressReport
from aiom4b_tui.store.models import JobDB, JobStatus

_log = logging.getLogger(__name__)

LEFT = "no longer this runner's job; left"


class BookRunner:
    """Starts a task per claimed book and records each book's end."""

    def __init__(
        self, ctx: RunnerContext, execute: Executor, pool: FFmpegPool | None = None
    ) -> None:
        self.ctx = ctx
        self.pool = pool
        self._execute = execute
        self.recorder = EndRecorder(ctx.service, ctx.worker_id, on_retry=self._note_write_retry)
        self._ranks = itertools.count()

    def start(self, job: JobDB) -> None:
        """Run this just-claimed job in a task of its own."""
        ctx = self.ctx
        ctx.lease.renewed()  # a claim stamps the job's heartbeat
        job = ctx.visibility.localize(job)  # this host's paths for its folders
        if self.pool is None:
            self.pool = make_pool(ctx.settings)
        active = ActiveJob(job.id, job.title or job.folders()[0].name, job)
        active.rank = next(self._ranks)
        ctx.active[job.id] = active
        active.task = asyncio.create_task(self._run(active, job), name=f"job-{job.id}")
        active.task.add_done_callback(lambda _task: ctx.wake.set())

    async def stop_all(self) -> None:
        """Stop every running book and wait until each has recorded its end."""
        self.ctx.cancel_all(StopReason.STOP)
        tasks = [a.task for a in self.ctx.active.values() if a.task is not None]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, active: ActiveJob, job: JobDB) -> None:
        """Carry out one claimed job and record how it ended."""
        book_rank.set(active.rank)  # this task's context: what it starts inherits it
        try:
            await self._announce_start(active)
            run = JobRun(
                job=job,
                settings=self.ctx.settings,
                pool=self.pool,
                work_name=work_name(job),
                report_progress=lambda f, s=None, e=None: self._note_progress(active, f, s, e),
                log=active.pending_log.append,
                note_stage=lambda stage: self._note_stage(active, stage),
            )
            output = await self._execute(run)
        except asyncio.CancelledError:
            await self._end_cancelled(active)
        except Exception as exc:
            if active.stop_reason is not None or self.ctx.stop_requested.is_set():
                # E.g. ffmpeg killed by the terminal's Ctrl-C just before our cancel.
                await self._end_cancelled(active)
            else:
                reason, details = describe_failure(exc)
                await self._end(
                    active, JobStatus.FAILED, [f"failed: {reason}", *details], reason=reason
                )
        else:
            await self._end(
                active, JobStatus.COMPLETED, [f"completed: {output}"], output_file=str(output)
            )
        finally:
            self.ctx.active.pop(active.job_id, None)

    async def _announce_start(self, active: ActiveJob) -> None:
        message = f"started by {self.ctx.worker_id}"
        async with active.write_lock:
            await asyncio.to_thread(self.ctx.service.add_log_lines, active.job_id, [message])
        self.ctx.emit(
            RunnerEvent.status_entered(active.job_id, active.title, JobStatus.RUNNING, message)
        )

    def _note_progress(
        self, active: ActiveJob, fraction: float, speed: float | None, eta: float | None
    ) -> None:
        active.progress = ProgressReport(fraction, speed, eta)
        active.progress_dirty = True

    def _note_stage(self, active: ActiveJob, stage: str) -> None:
        if stage in ("tagging", "done") and not active.audio_done:
            active.audio_done = True
            self.ctx.wake.set()  # a book slot is free: claim the next book now

    async def _end_cancelled(self, active: ActiveJob) -> None:
        reason = active.stop_reason or StopReason.STOP
        if reason is StopReason.LOST:
            self.ctx.emit(RunnerEvent.log_line(active.job_id, active.title, LEFT))
        elif reason is StopReason.HAND_BACK:
            note = "stopped by a pause of the queue; queued again, its work kept"
            await self._end(active, JobStatus.QUEUED, [note])
        elif reason is StopReason.STOP and self.ctx.requeue_on_stop:
            note = "stopped with its runner; queued again, its work kept"
            await self._end(active, JobStatus.QUEUED, [note])
        else:
            await self._end(active, JobStatus.CANCELLED, ["cancelled"])

    async def _end(
        self,
        active: ActiveJob,
        status: JobStatus,
        messages: list[str],
        *,
        output_file: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Write the job's last log lines and its new status (retried until it is
        written), then announce it; a finished job's work folder goes after that."""
        active.finishing = True
        end = JobEnd(active.job_id, status, messages, output_file, reason)
        try:
            # Shielded: a cancel arriving now must not leave the row half-told.
            lines, job = await asyncio.shield(self._write_end(active, end))
        except Exception:
            _log.exception("recording the end of job %s failed", active.job_id)
            return
        for line in lines:
            self.ctx.emit(RunnerEvent.log_line(active.job_id, active.title, line))
        if job is None:
            self.ctx.emit(RunnerEvent.log_line(active.job_id, active.title, LEFT))
            return
        self.ctx.emit(RunnerEvent.status_entered(active.job_id, active.title, status, messages[0]))
        if status.finished:
            # Only now: until the end is recorded, a placed result in the work folder is
            # what lets the next attempt record it instead of making the book again.
            await asyncio.to_thread(self._remove_work_of, active.job)

    async def _write_end(self, active: ActiveJob, end: JobEnd) -> tuple[list[str], JobDB | None]:
        async with active.write_lock:
            lines = active.take_pending_log()
            end.messages = [*lines, *end.messages]
            job = await self.recorder.record(end)
        return lines, job

    def _remove_work_of(self, job: JobDB) -> None:
        try:
            self.ctx.work_folders.remove(job)
        except Exception:
            _log.exception("removing the work folder of job %s failed", job.id)

    def _note_write_retry(self, job_id: UUID, message: str) -> None:
        self.ctx.emit(RunnerEvent.log_line(job_id, self.ctx.title_of(job_id), message))
