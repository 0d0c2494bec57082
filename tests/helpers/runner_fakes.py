"""A QueueRunner for tests of the runner's parts through it: a fake executor in place of
the engine, the runner made with it, and waiting for a condition read from the database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from aiom4b_tui.config.settings import Settings
from aiom4b_tui.queue.execute import JobRun
from aiom4b_tui.queue.runner.runner import QueueRunner
from aiom4b_tui.store.jobs import JobService


class FakeWork:
    """Pretends to convert: `steps` steps of `step` seconds, progress and a log line each."""

    def __init__(self, steps: int = 3, step: float = 0.05, error: Exception | None = None):
        self.steps, self.step, self.error = steps, step, error
        self.running = 0
        self.most_at_once = 0
        self.cancelled = 0
        self.runs: list[str] = []

    async def __call__(self, run: JobRun) -> Path:
        self.runs.append(run.job.title or "")
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            for i in range(self.steps):
                await asyncio.sleep(self.step)
                run.report_progress((i + 1) / self.steps, 50.0, 1.0)
                run.log(f"step {i + 1}")
            if self.error is not None:
                raise self.error
            return run.settings.resolved_output_dir() / f"{run.job.title}.m4b"
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.running -= 1


def make_runner(
    settings: Settings, service: JobService, work: FakeWork, **kwargs: object
) -> QueueRunner:
    """A runner with `work` as its executor that polls every 0.1 s (unless told) and
    removes no work folder."""
    kwargs.setdefault("poll_interval", 0.1)
    return QueueRunner(
        service,
        settings,
        execute=work,
        remove_work=lambda _out, _name: None,
        **kwargs,  # type: ignore[arg-type]
    )


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Until `condition` (blocking: run in a thread) is true; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(condition):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
