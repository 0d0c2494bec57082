"""WorkerRegistry on a real SQLite database: workers register, beat, are listed and
asked to stop, and say which inbox they watch; the queue pauses and resumes, and keeps
the inbox the workers are asked to watch."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.models import QueueStateDB
from aiom4b_tui.store.workers import (
    INBOX_KEY,
    InboxRequest,
    PauseMode,
    WorkerInfo,
    WorkerRegistry,
)


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


def test_the_inbox_asked_for_is_kept_until_stopped(data_dir: Path) -> None:
    registry = _registry(data_dir)
    assert registry.inbox_request() is None
    registry.watch_inbox(InboxRequest("/srv/inbox", 30.0))
    assert registry.inbox_request() == InboxRequest("/srv/inbox", 30.0)
    registry.watch_inbox(InboxRequest("/srv/other", 0.5))  # instead of the one before
    assert registry.inbox_request() == InboxRequest("/srv/other", 0.5)
    registry.pause(PauseMode.FINISH)
    registry.stop_watching()
    assert registry.inbox_request() is None
    assert registry.pause_mode() is PauseMode.FINISH  # the other switch is left alone


def test_an_inbox_value_of_another_version_reads_as_none(data_dir: Path) -> None:
    registry = _registry(data_dir)
    with registry.db.write_session() as session:
        session.merge(QueueStateDB(key=INBOX_KEY, value="/not/json"))
        session.commit()
    assert registry.inbox_request() is None
    assert InboxRequest.from_json('{"path": "/in"}') is None  # no settle
    request = InboxRequest("/in", 2.5)
    assert InboxRequest.from_json(request.to_json()) == request


def test_a_worker_row_says_which_inbox_it_watches(data_dir: Path) -> None:
    registry = _registry(data_dir)
    registry.register(_info(11))
    registry.register(_info(12))
    registry.set_watching("vm:11", "/srv/inbox")
    watching = {w.id: w.watching for w in registry.live_workers()}
    assert watching == {"vm:11": "/srv/inbox", "vm:12": None}
    registry.set_watching("vm:11", None)
    assert [w.watching for w in registry.live_workers()] == [None, None]
    registry.register(_info(12))  # registered again: a new life watches nothing yet
    assert next(w for w in registry.live_workers() if w.pid == 12).watching is None
