"""A runner's side of its leases: a running job is its worker's only while the worker
renews the job's heartbeat (`lease_seconds`). A runner that could not renew for most of
its lease (its database unreachable) stops its books itself, so that a host taking them
over after the lease never finds it still writing in their work folders, and hands them
back to the queue once the database answers again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from uuid import UUID

LEASE_MARGIN = 0.8  # a runner silent for this share of its lease stops its books


class LeaseGuard:
    """When this runner last renewed its jobs' heartbeats, and which books it stopped."""

    def __init__(self, lease_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.lease_seconds = lease_seconds
        self._clock = clock
        self._renewed_at = clock()
        self.fenced: set[UUID] = set()

    def renewed(self) -> None:
        """The heartbeats were written (or a job was just claimed, which stamps one)."""
        self._renewed_at = self._clock()

    def silent_for(self) -> float:
        """Seconds since the last renewal."""
        return self._clock() - self._renewed_at

    def lost(self) -> bool:
        """True when the runner has been silent for most of its lease."""
        return self.silent_for() >= self.lease_seconds * LEASE_MARGIN

    def fence(self, job_ids: Collection[UUID]) -> None:
        """Remember books stopped because the lease was lost."""
        self.fenced.update(job_ids)

    def to_hand_back(self, running: Collection[UUID]) -> list[UUID]:
        """Fenced books that have stopped (no longer running here)."""
        return [job_id for job_id in self.fenced if job_id not in running]
