"""WorkerRegistry on a real SQLite database: workers register, beat, are listed and
asked to stop; the queue pauses and resumes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.workers import PauseMode, WorkerInfo, WorkerRegistry


def _registry(data_dir: Path) -> WorkerRegistry:
    return WorkerRegistry(open_database(data_dir))


def _info(pid: int) -> WorkerInfo:
    return WorkerInfo(f"vm:{pid}", "vm", pid, books_at_once=2, ffmpeg_processes=2)


def test_a_registered_worker_is_live_until_it_unregisters(data_dir: Path) -> None:
    registry = _registry(data_dir)
    registry.register(_info(11))
    registry.register(_info(12))
    assert [w.pid for w in registry.live_workers()] == [11, 12]
    assert registry.beat("vm:11", books_running=2) is False
    assert next(w for w in registry.live_workers() if w.pid == 11).books_running == 2
    registry.unregister("vm:11")
    assert [w.pid for w in registry.live_workers()] == [12]


def test_a_silent_worker_is_not_live(data_dir: Path) -> None:
    registry = _registry(data_dir)
    registry.register(_info(11))
    assert registry.live_workers(stale_after=timedelta(seconds=-1)) == []


def test_stop_requests_reach_the_worker_asked(data_dir: Path) -> None:
    registry = _registry(data_dir)
    registry.register(_info(11))
    registry.register(_info(12))
    assert registry.request_stop("vm:12") == 1
    assert registry.beat("vm:11", 0) is False
    assert registry.beat("vm:12", 0) is True
    assert registry.request_stop() == 2
    assert registry.beat("vm:11", 0) is True
    assert registry.beat("vm:gone", 0) is True  # a vanished row means: stop


def test_pause_and_resume(data_dir: Path) -> None:
    registry = _registry(data_dir)
    assert registry.pause_mode() is None
    registry.pause(PauseMode.STOP)
    assert registry.pause_mode() is PauseMode.STOP
    registry.pause(PauseMode.FINISH)
    assert registry.pause_mode() is PauseMode.FINISH
    registry.resume()
    assert registry.pause_mode() is None
