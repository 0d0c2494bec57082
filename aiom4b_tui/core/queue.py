"""QueueRunner: claims queued jobs, runs up to N books at once, records every status change.

The database is the one source of truth: every transition is written through JobService
before it is announced (`on_event`), so another process — or a second connection — sees
it the moment it happens. Every half second the runner reads its running jobs' rows (to
honour cancels asked for from any process, and to notice a job taken away from it), and
about once a second it writes their progress and heartbeat.

JobService is blocking SQLite: every call goes through `asyncio.to_thread`, so a busy
database never blocks the event loop the TUI shares.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from uuid import UUID

from aiom4b_tui.core.convert import remove_work_dirs
from aiom4b_tui.core.end_recorder import EndRecorder, JobEnd
from aiom4b_tui.core.ffmpeg import FFmpegPool
from aiom4b_tui.core.job_execution import Executor, JobRun, convert_job, describe_failure, make_pool
from aiom4b_tui.core.job_sight import JobSight
from aiom4b_tui.core.jobs import JobService, ProgressReport
from aiom4b_tui.core.leases import LeaseGuard
from aiom4b_tui.core.models import JobDB, JobStatus
from aiom4b_tui.core.path_map import PathMap
from aiom4b_tui.core.recovery import (
    OrphanRules,
    WorkRemover,
    job_output_dir,
    recover_orphans,
    work_name,
)
from aiom4b_tui.core.runner_state import (
    CANCEL,
    HAND_BACK,
    LOST,
    STOP,
    ActiveJob,
    RunnerEvent,
    progress_text,
)
from aiom4b_tui.core.settings import Settings
from aiom4b_tui.core.worker_id import current_worker_id

__all__ = ["QueueRunner", "RunnerEvent"]

POLL_INTERVAL = 0.5
PROGRESS_INTERVAL = 1.0
RECOVER_INTERVAL = 30.0

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
        self.pool = pool
        self.worker_id = worker_id or str(current_worker_id())
        self.on_event = on_event
        self._execute = execute or convert_job
        self._orphan_rules = orphan_rules
        self._remove_work = remove_work
        self._poll_interval = poll_interval
        self._active: dict[UUID, ActiveJob] = {}
        self._requeue_on_stop = True
        self._stop_requested = asyncio.Event()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._last_beat = 0.0
        self._next_recovery = 0.0
        self._paused = False
        self._idle_since: float | None = None
        self.recorder = EndRecorder(service, self.worker_id, on_retry=self._note_write_retry)
        # A shared queue (or a path map): claim only jobs whose folders this host sees.
        self._lease = LeaseGuard(settings.lease_seconds)
        self._sight = JobSight(
            PathMap(settings.path_map), check=service.db.is_postgres or bool(settings.path_map)
        )

    @property
    def running_job_ids(self) -> set[UUID]:
        """The ids of the jobs this runner is running now."""
        return set(self._active)

    # --- Running -------------------------------------------------------------------------

    async def run(self, *, once: bool = False, idle_exit: float | None = None) -> None:
        """Run queued jobs until stop() (with `once`: until nothing is queued or running;
        with `idle_exit`: once nothing was queued or running for that many seconds)."""
        await self._serve(claim=True, stop_when_idle=once, idle_exit=idle_exit)

    @property
    def unrecorded_job_ids(self) -> set[UUID]:
        """Jobs whose end could not be written before the runner stopped (their rows
        are left running: recovery finishes them)."""
        return set(self.recorder.unrecorded)

    def pause(self, *, stop_running: bool = False) -> None:
        """Claim no new job; with `stop_running`, running jobs go back to the queue
        (their work folders kept, so they resume)."""
        self._paused = True
        if stop_running:
            for active in list(self._active.values()):
                self._cancel(active, HAND_BACK)

    def resume(self) -> None:
        """Claim queued jobs again after pause()."""
        if self._paused:
            self._paused = False
            self._wake.set()

    @property
    def paused(self) -> bool:
        """True between pause() and resume()."""
        return self._paused

    def abandon_writes(self) -> None:
        """Stop retrying writes that fail (the database is gone); for a stop that
        cannot record anything anyway."""
        self.recorder.abandon()

    async def run_job(self, job_id: UUID) -> JobDB | None:
        """Claim this one queued job and run it to its end (the `convert` verb); returns
        the job as it ended, or None when it was not queued."""
        job = await asyncio.to_thread(self.service.claim_job, job_id, self.worker_id)
        if job is None:
            return None
        self._start(job)
        await self._serve(claim=False, stop_when_idle=True, prepare=False)
        return await asyncio.to_thread(self.service.get_job, job_id)

    async def stop(self, *, requeue: bool = True) -> None:
        """Cancel the running jobs — back to queued (or cancelled, if not `requeue`) —
        and return when the runner has stopped, with no ffmpeg child left."""
        self.request_stop(requeue=requeue)
        await self._idle.wait()

    def request_stop(self, *, requeue: bool = True) -> None:
        """Begin stop() without waiting for it (for signal handlers and other sync code)."""
        if self._idle.is_set():
            return
        self._requeue_on_stop = requeue
        self._stop_requested.set()
        self._wake.set()
        for active in list(self._active.values()):
            self._cancel(active, STOP)

    def wake(self) -> None:
        """Look for queued jobs now rather than at the next poll (e.g. after adding one)."""
        self._wake.set()

    async def _serve(
        self,
        *,
        claim: bool,
        stop_when_idle: bool,
        prepare: bool = True,
        idle_exit: float | None = None,
    ) -> None:
        self._idle.clear()
        self.recorder.stopping = False
        try:
            if prepare:
                self._announce_recovered(await asyncio.to_thread(self._prepare))
            while not self._stop_requested.is_set():
                claimed, queued = await self._fill_slots() if claim else (False, False)
                if stop_when_idle and not self._active and not claimed:
                    break
                if idle_exit is not None and self._idle_for(queued) >= idle_exit:
                    _log.info("nothing queued or running for %g s; exiting", idle_exit)
                    break
                await self._tick()
                await self._nap()
        finally:
            self.recorder.stopping = True
            await self._stop_all()
            self._stop_requested.clear()
            self._idle.set()

    def _idle_for(self, queued: bool) -> float:
        """Seconds since this runner last had a job running or one waiting in the queue."""
        now = time.monotonic()
        if self._active or queued:
            self._idle_since = None
            return 0.0
        if self._idle_since is None:
            self._idle_since = now
        return now - self._idle_since

    def _prepare(self) -> list[JobDB]:
        """At start: clear old finished jobs, recover the orphans of dead workers."""
        days = self.settings.days_kept
        removed = self.service.clear_old_jobs(days_old=days)
        if removed:
            _log.info("cleared %d finished jobs older than %d days", removed, days)
        return self._recover()

    def _recover(self) -> list[JobDB]:
        """Hand back the jobs of dead workers (blocking; run in a thread)."""
        # Often enough that a job whose lease expired is taken back soon after.
        interval = min(RECOVER_INTERVAL, self.settings.lease_seconds / 2)
        self._next_recovery = time.monotonic() + interval
        return recover_orphans(
            self.service,
            self.settings,
            self.worker_id,
            rules=self._orphan_rules,
            remove_work=self._remove_work,
        )

    def _announce_recovered(self, jobs: list[JobDB]) -> None:
        for job in jobs:
            last = (job.log or "").rsplit("\n", 1)[-1]
            # Log lines are "<date> <time> <message>".
            message = last.split(" ", 2)[-1]
            self._emit(job.id, job.title or "", "status", message, job.status)

    async def _nap(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self._poll_interval)
        self._wake.clear()

    async def _fill_slots(self) -> tuple[bool, bool]:
        """Claim queued jobs while there are free slots (unless paused); returns whether
        any was claimed and whether any job was seen waiting in the queue."""
        claimed = queued = False
        while not self._stop_requested.is_set():
            try:
                queued = await asyncio.to_thread(self._any_queued)
                if not queued or self._paused or len(self._active) >= self.books:
                    break
                job = await asyncio.to_thread(
                    self.service.claim_next,
                    self.worker_id,
                    accept=self._sight.accept,
                    exclude=self._sight.refused_ids(),
                )
            except Exception:
                _log.exception("claiming a job failed")
                queued = True  # unknown: not idle
                break
            if job is None:
                break
            self._start(job)
            claimed = True
        return claimed, queued

    def _any_queued(self) -> bool:
        # A read first: claim_next takes the write lock, which idle polling should not.
        return self.service.count_by_status()[JobStatus.QUEUED] > 0

    def _start(self, job: JobDB) -> None:
        self._lease.renewed()  # a claim stamps the job's heartbeat
        job = self._sight.localize(job)  # this host's paths for its folders
        if self.pool is None:
            self.pool = make_pool(self.settings)
        active = ActiveJob(job.id, job.title or job.folders()[0].name, job)
        self._active[job.id] = active
        active.task = asyncio.create_task(self._run_job(active, job), name=f"job-{job.id}")
        active.task.add_done_callback(lambda _task: self._wake.set())

    # --- One job -------------------------------------------------------------------------

    async def _run_job(self, active: ActiveJob, job: JobDB) -> None:
        """Carry out one claimed job and record how it ended."""
        try:
            await self._announce_start(active)
            run = JobRun(
                job=job,
                settings=self.settings,
                pool=self.pool,
                work_name=work_name(job),
                report_progress=lambda f, s=None, e=None: self._note_progress(active, f, s, e),
                log=active.pending_log.append,
            )
            output = await self._execute(run)
        except asyncio.CancelledError:
            await self._end_cancelled(active)
        except Exception as exc:
            if active.stop_reason is not None or self._stop_requested.is_set():
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
            self._active.pop(active.job_id, None)

    async def _announce_start(self, active: ActiveJob) -> None:
        message = f"started by {self.worker_id}"
        async with active.write_lock:
            await asyncio.to_thread(self.service.add_log_lines, active.job_id, [message])
        self._emit(active.job_id, active.title, "status", message, JobStatus.RUNNING)

    def _note_progress(
        self, active: ActiveJob, fraction: float, speed: float | None, eta: float | None
    ) -> None:
        active.progress = ProgressReport(fraction, speed, eta)
        active.progress_dirty = True

    async def _end_cancelled(self, active: ActiveJob) -> None:
        reason = active.stop_reason or STOP
        if reason == LOST:
            self._emit(active.job_id, active.title, "log", "no longer this runner's job; left")
        elif reason == HAND_BACK:
            note = "stopped by a pause of the queue; queued again, its work kept"
            await self._end(active, JobStatus.QUEUED, [note])
        elif reason == STOP and self._requeue_on_stop:
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
            self._emit(active.job_id, active.title, "log", line)
        if job is None:
            self._emit(active.job_id, active.title, "log", "no longer this runner's job; left")
            return
        self._emit(active.job_id, active.title, "status", messages[0], status)
        if status.finished:
            # Only now: until the end is recorded, a placed result in the work folder is
            # what lets the next attempt record it instead of making the book again.
            await asyncio.to_thread(self._remove_work_of, active.job)

    async def _write_end(self, active: ActiveJob, end: JobEnd) -> tuple[list[str], JobDB | None]:
        async with active.write_lock:
            lines, active.pending_log[:] = list(active.pending_log), []
            end.messages = [*lines, *end.messages]
            job = await self.recorder.record(end)
        return lines, job

    def _remove_work_of(self, job: JobDB) -> None:
        remove = self._remove_work or remove_work_dirs
        try:
            remove(job_output_dir(job, self.settings), work_name(job))
        except Exception:
            _log.exception("removing the work folder of job %s failed", job.id)

    def _note_write_retry(self, job_id: UUID, message: str) -> None:
        active = self._active.get(job_id)
        self._emit(job_id, active.title if active else "", "log", message)

    def _cancel(self, active: ActiveJob, reason: str) -> None:
        if active.finishing or active.task is None or active.task.done():
            return
        if active.stop_reason is None:
            active.stop_reason = reason
        active.task.cancel()

    async def _stop_all(self) -> None:
        for active in list(self._active.values()):
            self._cancel(active, STOP)
        tasks = [a.task for a in self._active.values() if a.task is not None]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # --- The periodic look at the database -----------------------------------------------

    async def _tick(self) -> None:
        """Honour cancels, notice lost jobs, write progress and heartbeats, flush logs."""
        self._fence_if_lease_lost()
        try:
            await self._hand_back_fenced()
            await self._poll_rows()
            await self._write_progress()
            await self._flush_logs()
            if time.monotonic() >= self._next_recovery:
                self._announce_recovered(await asyncio.to_thread(self._recover))
        except Exception:
            _log.exception("the runner's look at the database failed; trying again")

    def _fence_if_lease_lost(self) -> None:
        """Stop every running book when the lease could not be renewed (core/leases.py)."""
        if not self._active or not self._lease.lost():
            return
        silent = self._lease.silent_for()
        _log.warning("no heartbeat written for %.0f s: stopping this worker's books", silent)
        self._lease.fence(list(self._active))
        for active in list(self._active.values()):
            self._cancel(active, LOST)

    async def _hand_back_fenced(self) -> None:
        """Queue again the books a lost lease stopped (unless another worker took them)."""
        note = "stopped: its worker could not renew its lease; queued again, its work kept"
        for job_id in self._lease.to_hand_back(self._active):
            await asyncio.to_thread(
                self.service.finish_running, job_id, self.worker_id, JobStatus.QUEUED, [note]
            )
            self._lease.fenced.discard(job_id)

    async def _poll_rows(self) -> None:
        ids = list(self._active)
        if not ids:
            return
        states = await asyncio.to_thread(self.service.running_states, ids)
        for job_id in ids:
            active = self._active.get(job_id)
            if active is None:
                continue
            state = states.get(job_id)
            ours = state is not None and state.worker == self.worker_id
            if state is None or not ours or state.status is not JobStatus.RUNNING:
                self._cancel(active, LOST)
            elif state.cancel_requested:
                self._cancel(active, CANCEL)

    async def _write_progress(self) -> None:
        now = time.monotonic()
        if not self._active or now - self._last_beat < PROGRESS_INTERVAL:
            return
        self._last_beat = now
        reports = {}
        for active in self._active.values():
            if active.progress is not None and active.progress_dirty:
                reports[active.job_id] = active.progress
                active.progress_dirty = False
        ids = list(self._active)
        await asyncio.to_thread(self.service.heartbeat, ids, self.worker_id, reports)
        self._lease.renewed()
        for job_id, report in reports.items():
            active = self._active.get(job_id)
            title = active.title if active else ""
            self._emit(job_id, title, "progress", progress_text(report), progress=report.fraction)

    async def _flush_logs(self) -> None:
        for active in list(self._active.values()):
            if active.finishing or not active.pending_log:
                continue
            async with active.write_lock:
                lines, active.pending_log[:] = list(active.pending_log), []
                if not lines:  # the job's end took them meanwhile
                    continue
                await asyncio.to_thread(self.service.add_log_lines, active.job_id, lines)
            for line in lines:
                self._emit(active.job_id, active.title, "log", line)

    def _emit(
        self,
        job_id: UUID,
        title: str,
        kind: str,
        message: str,
        status: JobStatus | None = None,
        *,
        progress: float | None = None,
    ) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(RunnerEvent(job_id, title, kind, message, status, progress))
        except Exception:
            _log.exception("an on_event callback failed")
