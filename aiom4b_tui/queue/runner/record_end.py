"""Recording the end of a job, retried until it is written.

A job's end (completed, failed, cancelled, or handed back to the queue) must reach the
database: a row left `running` after its book was placed would be converted again by the
next worker. A write that fails (database locked past the busy timeout, disk full, an
I/O error) is tried again with a growing pause, each failure logged, until it succeeds;
only a stopping worker gives up, after a grace period, and says which jobs it left.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobDB, JobStatus

FIRST_DELAY = 0.25
MAX_DELAY = 5.0
GRACE_AFTER_STOP = 10.0

_log = logging.getLogger(__name__)


class EndNotRecordedError(RuntimeError):
    """The end of a job could not be written before the worker stopped."""


@dataclass
class JobEnd:
    """What to write when a job ends."""

    job_id: UUID
    status: JobStatus
    messages: list[str]
    output_file: str | None = None
    reason: str | None = None  # a failure's one-line reason


class EndRecorder:
    """Writes job ends through JobService.finish_running, retrying failed writes."""

    def __init__(
        self,
        service: JobService,
        worker: str,
        *,
        on_retry: Callable[[UUID, str], None] | None = None,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        grace_after_stop: float = GRACE_AFTER_STOP,
    ) -> None:
        self.service = service
        self.worker = worker
        self.on_retry = on_retry
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.grace_after_stop = grace_after_stop
        self.stopping = False  # set by the runner when it stops: retries get a deadline
        self.unrecorded: set[UUID] = set()
        self._abandoned = False

    def abandon(self) -> None:
        """Give up retrying at once (the database is gone)."""
        self._abandoned = True

    async def record(self, end: JobEnd) -> JobDB | None:
        """Write `end`; returns the row as written, or None when the job is no longer
        this worker's. Raises EndNotRecordedError when a stopping worker gives up."""
        delay = self.first_delay
        give_up_at: float | None = None
        attempt = 0
        while True:
            attempt += 1
            try:
                job = await asyncio.to_thread(self._write, end)
            except Exception as exc:
                now = time.monotonic()
                if self.stopping and give_up_at is None:
                    give_up_at = now + self.grace_after_stop
                if self._abandoned or (give_up_at is not None and now >= give_up_at):
                    self.unrecorded.add(end.job_id)
                    raise EndNotRecordedError(
                        f"the end of job {end.job_id} ({end.status.value}) could not be "
                        f"recorded after {attempt} tries: {_one_line(exc)}"
                    ) from exc
                self._report(end, attempt, exc, delay)
                await asyncio.sleep(delay)
                delay = min(self.max_delay, delay * 2)
                continue
            if attempt > 1:
                _log.info("the end of job %s was recorded at try %d", end.job_id, attempt)
            self.unrecorded.discard(end.job_id)
            return job

    def _write(self, end: JobEnd) -> JobDB | None:
        return self.service.finish_running(
            end.job_id,
            self.worker,
            end.status,
            end.messages,
            output_file=end.output_file,
            reason=end.reason,
        )

    def _report(self, end: JobEnd, attempt: int, exc: Exception, delay: float) -> None:
        message = (
            f"recording the end ({end.status.value}) failed ({_one_line(exc)}); "
            f"trying again in {delay:g} s (try {attempt})"
        )
        _log.warning("job %s: %s", end.job_id, message)
        if self.on_retry is not None:
            try:
                self.on_retry(end.job_id, message)
            except Exception:
                _log.exception("an on_retry callback failed")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    # SQLAlchemy appends the statement and a link; the first sentence is what matters.
    return text.split(" [SQL:")[0][:200]
