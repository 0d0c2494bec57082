"""The worker's ffmpeg pool: free slots go to the oldest running book first.

The engine's FFmpegPool hands slots out first come, first served. A runner converting
several books at once then makes a book that has finished encoding wait for its one
short final step (the mux) behind every segment the other books queued meanwhile: for
two long books, the first is not placed until the second's last segments start. Here a
slot goes to whoever waits with the lowest rank: the book claimed first (each book's task
sets its rank; the segments, decoder and mux it starts inherit it through the context).
So books finish in the order they were claimed, each as soon as its own work is done,
and a younger book's segments fill every slot an older book does not need.

The pool also tells the runner when a slot sits free with nobody waiting for it
(`idle_slots`), so the runner can start another book rather than leave a core idle.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from contextvars import ContextVar

from aiom4b_tui.engine.ffmpeg.run import FFmpegPool

LAST = 1 << 62
"""The rank of work started outside any book (taken after every book's)."""

book_rank: ContextVar[int] = ContextVar("book_rank", default=LAST)
"""The rank of the book the current task works for (lower: served first)."""


class BookPool(FFmpegPool):
    """An FFmpegPool whose waiting acquirers are served by book rank, then in order."""

    def __init__(self, size: int | None = None, *, pin: bool = True) -> None:
        super().__init__(size, pin=pin)
        self._waiting: list[tuple[int, int, asyncio.Future[int]]] = []
        self._order = itertools.count()

    @property
    def idle_slots(self) -> int:
        """Slots free with nobody waiting for them."""
        return 0 if self.waiting else len(self._free)

    @property
    def waiting(self) -> int:
        """How many acquirers wait for a slot."""
        self._drop_gone()
        return sum(1 for _rank, _n, future in self._waiting if not future.done())

    async def acquire(self) -> int:
        """Take a slot, waiting behind every waiter of a lower rank (an older book)."""
        self._drop_gone()
        if self._free and not self._waiting:
            return self._free.pop(0)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (book_rank.get(), next(self._order), future))
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release(future.result())  # handed a slot just as we were cancelled
            else:
                future.cancel()  # dropped from the heap when it reaches the top
            raise

    def release(self, index: int) -> None:
        """Give slot `index` to the first waiter by rank, or back to the free list."""
        while self._waiting:
            _rank, _n, future = heapq.heappop(self._waiting)
            if not future.done():
                future.set_result(index)
                return
        self._free.append(index)

    def _drop_gone(self) -> None:
        """Forget waiters that were cancelled (they sit on top of the heap)."""
        while self._waiting and self._waiting[0][2].done():
            heapq.heappop(self._waiting)
