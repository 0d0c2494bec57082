"""A group of tasks that stands or falls together: all results in order, or the first
failure with the rest cancelled."""

from __future__ import annotations

import asyncio

import pytest

from aiom4b_tui.engine.task_groups import all_or_nothing


async def test_every_result_comes_back_in_the_order_given():
    async def after(delay: float, value: int) -> int:
        await asyncio.sleep(delay)
        return value

    assert await all_or_nothing([after(0.03, 1), after(0.0, 2), after(0.01, 3)]) == [1, 2, 3]
    assert await all_or_nothing([]) == []


async def test_the_first_failure_cancels_the_rest_and_is_raised():
    cancelled: list[int] = []

    async def waits(n: int) -> int:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(n)
            raise
        return n

    async def fails() -> int:
        await asyncio.sleep(0.01)
        raise ValueError("segment 2 failed")

    with pytest.raises(ValueError, match="segment 2 failed"):
        await asyncio.wait_for(all_or_nothing([waits(1), fails(), waits(3)]), 10)
    assert sorted(cancelled) == [1, 3]


async def test_cancelling_the_group_cancels_every_task_in_it():
    started = asyncio.Event()
    ended: list[str] = []

    async def long() -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        finally:
            ended.append("ended")

    group = asyncio.ensure_future(all_or_nothing([long(), long()]))
    await started.wait()
    group.cancel()
    with pytest.raises(asyncio.CancelledError):
        await group
    assert ended == ["ended", "ended"]
