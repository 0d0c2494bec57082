"""RunnerHost: a runner that fails is reported, not lost in its thread."""

from __future__ import annotations

import threading

import pytest

from aiom4b_tui.ui import runner_host


class _FailingRunner:
    """Stands in for QueueRunner: its run() fails at once."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.running_job_ids: set[object] = set()

    async def run(self) -> None:
        raise RuntimeError("boom")

    async def stop(self, *, requeue: bool = True) -> None:
        return None


def test_a_runner_that_fails_is_reported(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(runner_host, "QueueRunner", _FailingRunner)
    crashed: list[BaseException] = []
    reported = threading.Event()

    def on_crash(error: BaseException) -> None:
        crashed.append(error)
        reported.set()

    host = runner_host.RunnerHost(None, None, lambda event: None, on_crash)  # type: ignore[arg-type]
    host.start()
    assert reported.wait(5)
    host.stop(timeout=5)
    assert [str(e) for e in crashed] == ["boom"]
    assert not host.alive
