"""The runner's upkeep of the queue: at its start, clear old finished jobs and recover the
orphans of dead workers; then every so often (often enough that a job whose lease ran
out is taken back soon after) recover again. What was recovered is announced.
"""

from __future__ import annotations

import logging
import time

from aiom4b_tui.queue.recovery import OrphanRecovery
from aiom4b_tui.queue.runner.context import RunnerContext
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.store.models import JobDB

RECOVER_INTERVAL = 30.0

_log = logging.getLogger(__name__)


class RunnerUpkeep:
    """Clearing at start and periodic recovery; the blocking parts run in a thread."""

    def __init__(self, ctx: RunnerContext, recovery: OrphanRecovery) -> None:
        self.ctx = ctx
        self.recovery = recovery
        self._next_recovery = 0.0

    def due(self) -> bool:
        """True when it is time for the next recovery round."""
        return time.monotonic() >= self._next_recovery

    def prepare(self) -> list[JobDB]:
        """At start: clear old finished jobs, recover the orphans of dead workers
        (blocking; run in a thread)."""
        days = self.ctx.settings.days_kept
        removed = self.ctx.service.clear_old_jobs(days_old=days)
        if removed:
            _log.info("cleared %d finished jobs older than %d days", removed, days)
        return self.recover()

    def recover(self) -> list[JobDB]:
        """Hand back the jobs of dead workers (blocking; run in a thread)."""
        interval = min(RECOVER_INTERVAL, self.ctx.settings.lease_seconds / 2)
        self._next_recovery = time.monotonic() + interval
        return self.recovery.run()

    def announce(self, jobs: list[JobDB]) -> None:
        """Tell `on_event` what recovery did to each job (its last log line)."""
        for job in jobs:
            last = (job.log or "").rsplit("\n", 1)[-1]
            # Log lines are "<date> <time> <message>".
            message = last.split(" ", 2)[-1]
            self.ctx.emit(RunnerEvent.status_entered(job.id, job.title or "", job.status, message))
