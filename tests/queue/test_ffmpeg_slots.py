"""BookPool: free slots go to the oldest book's waiters first; cancelled waiters leak
nothing; the pool says when a slot sits free with nobody waiting."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from aiom4b_tui.queue.ffmpeg_slots import BookPool, book_rank


async def _waiter(pool: BookPool, rank: int, got: list[int], hold: asyncio.Event) -> None:
    book_rank.set(rank)
    index = await pool.acquire()
    got.append(rank)
    await hold.wait()
    pool.release(index)


async def test_a_free_slot_goes_to_the_lowest_rank_whatever_the_order_of_arrival():
    pool = BookPool(1, pin=False)
    first = await pool.acquire()
    got: list[int] = []
    hold = asyncio.Event()
    tasks = []
    for rank in (5, 3, 9, 1):
        tasks.append(asyncio.create_task(_waiter(pool, rank, got, hold)))
        await asyncio.sleep(0)  # each one is waiting before the next arrives
    assert pool.waiting == 4 and pool.idle_slots == 0
    pool.release(first)
    hold.set()
    await asyncio.gather(*tasks)
    assert got == [1, 3, 5, 9]
    assert pool.idle_slots == 1 and pool.waiting == 0


async def test_equal_ranks_are_served_in_order_of_arrival():
    pool = BookPool(1, pin=False)
    first = await pool.acquire()
    order: list[str] = []

    async def wait(name: str) -> None:
        index = await pool.acquire()
        order.append(name)
        pool.release(index)

    tasks = [asyncio.create_task(wait(name)) for name in "abc"]
    await asyncio.sleep(0)
    pool.release(first)
    await asyncio.gather(*tasks)
    assert order == ["a", "b", "c"]


async def test_a_cancelled_waiter_takes_no_slot_with_it():
    pool = BookPool(2, pin=False)
    a, b = await pool.acquire(), await pool.acquire()
    waiter = asyncio.create_task(pool.acquire())
    await asyncio.sleep(0)
    assert pool.waiting == 1
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    pool.release(a)
    pool.release(b)
    assert pool.waiting == 0 and pool.idle_slots == 2
    assert sorted([await pool.acquire(), await pool.acquire()]) == [0, 1]


async def test_a_waiter_cancelled_just_as_it_was_handed_a_slot_gives_it_back():
    pool = BookPool(1, pin=False)
    held = await pool.acquire()
    waiter = asyncio.create_task(pool.acquire())
    await asyncio.sleep(0)
    pool.release(held)  # handed to the waiter, which has not run yet
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert pool.idle_slots == 1
    assert await asyncio.wait_for(pool.acquire(), 1) == held


async def test_work_started_by_a_book_inherits_its_rank():
    pool = BookPool(1, pin=False)
    held = await pool.acquire()
    got: list[str] = []

    async def segment(name: str) -> None:
        async with pool.slot():
            got.append(name)

    async def book(name: str, rank: int) -> None:
        book_rank.set(rank)
        # Like the engine: the book's segments are tasks of their own.
        await asyncio.gather(*(asyncio.ensure_future(segment(f"{name}{k}")) for k in range(2)))

    young = asyncio.create_task(book("young", 7), context=contextvars.copy_context())
    await _until_waiting(pool, 2)
    old = asyncio.create_task(book("old", 2), context=contextvars.copy_context())
    await _until_waiting(pool, 4)  # the old book's segments arrive last
    pool.release(held)
    await asyncio.gather(young, old)
    assert got == ["old0", "old1", "young0", "young1"]


async def _until_waiting(pool: BookPool, count: int) -> None:
    """Until `count` acquirers wait for a slot of `pool`."""
    while pool.waiting < count:
        await asyncio.sleep(0)
