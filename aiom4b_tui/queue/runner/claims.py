"""The runner's claim loop: while it has free slots and is not paused, take the oldest
queued job this host can see and start it.

A book whose audio is made (only its mux, tags and check left) no longer holds a slot:
the next book is scanned and planned while it finishes, so the ffmpeg pool has its
segments at hand. At most twice `books` are claimed at once all the same.

Idle polling is cheap: one indexed read (`any_claimable`: is there a queued job at all?)
before a claim, which takes the write lock (SQLite) or a row lock (PostgreSQL) only
when there is something to take.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiom4b_tui.queue.runner.context import RunnerContext
from aiom4b_tui.store.models import JobDB

_log = logging.getLogger(__name__)


class ClaimLoop:
    """Fills a runner's free slots (`books` at once) from the queue, unless paused."""

    def __init__(self, ctx: RunnerContext, books: int, start: Callable[[JobDB], None]) -> None:
        self.ctx = ctx
        self.books = books
        self.paused = False
        self._start = start

    def full(self) -> bool:
        """True when no further book may be claimed now."""
        active = self.ctx.active.values()
        making = sum(1 for book in active if not book.audio_done)
        return making >= self.books or len(active) >= 2 * self.books

    async def fill_slots(self) -> tuple[bool, bool]:
        """Claim queued jobs while there are free slots; returns whether any was claimed
        and whether any job was seen waiting in the queue."""
        ctx = self.ctx
        claimed = queued = False
        while not ctx.stop_requested.is_set():
            try:
                queued = await asyncio.to_thread(ctx.service.any_claimable)
                if not queued or self.paused or self.full():
                    break
                job = await asyncio.to_thread(
                    ctx.service.claim_next,
                    ctx.worker_id,
                    accept=ctx.visibility.accept,
                    exclude=ctx.visibility.refused_ids(),
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
