"""The worker's inbox watch kept in line with what is asked (a real SQLite queue, the real
watcher): the queue's inbox watched where this host sees it and said in the worker's row,
stopped when no longer asked; one worker watches it; a folder this host lacks, or a watch
that fails, is said once and tried again later; `--watch`'s inbox is watched as given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from aiom4b_tui.queue.inbox import InboxWatcher
from aiom4b_tui.queue.inbox_keeper import RETRY_SECONDS, InboxKeeper, first_watcher
from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import WorkerDB, utcnow
from aiom4b_tui.store.workers import InboxRequest, WorkerInfo, WorkerRegistry


@pytest.fixture
def registry(data_dir: Path) -> Iterator[WorkerRegistry]:
    """A registry with two live workers, vm:1 (started first) and vm:2."""
    db = open_database(data_dir)
    registry = WorkerRegistry(db)
    for pid in (1, 2):
        registry.register(WorkerInfo(f"vm:{pid}", "vm", pid, books_at_once=1, ffmpeg_processes=1))
    with db.write_session() as session:  # vm:1 started a minute before vm:2
        row = session.get(WorkerDB, "vm:1")
        row.started_at = utcnow() - timedelta(minutes=1)
        session.add(row)
        session.commit()
    yield registry
    db.close()


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def keeper(registry: WorkerRegistry, worker_id: str = "vm:1", **kwargs) -> InboxKeeper:
    said: list[str] = []
    made = InboxKeeper(JobService(registry.db), registry, worker_id, say=said.append, **kwargs)
    made.said = said  # type: ignore[attr-defined]
    return made


def watching(registry: WorkerRegistry) -> dict[str, str | None]:
    return {worker.id: worker.watching for worker in registry.live_workers()}


def test_the_first_worker_to_start_keeps_an_inbox_watched_twice(registry):
    workers = registry.live_workers()
    assert first_watcher(workers, "/in") is None
    registry.set_watching("vm:2", "/in")
    assert first_watcher(registry.live_workers(), "/in") == "vm:2"
    registry.set_watching("vm:1", "/in")
    assert first_watcher(registry.live_workers(), "/in") == "vm:1"
    assert first_watcher(registry.live_workers(), "/other") is None


async def test_the_queues_inbox_is_watched_said_and_stopped(registry, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    kept = keeper(registry)
    await kept.check()
    assert kept.watching is None  # nothing asked
    registry.watch_inbox(InboxRequest(str(inbox), 30.0))
    await kept.check()
    assert kept.watching == InboxRequest(str(inbox), 30.0)
    assert watching(registry) == {"vm:1": str(inbox), "vm:2": None}
    assert kept.said == [f"watching {inbox.resolve()} for new books (settle 30 s)"]
    await kept.check()  # unchanged: nothing happens
    assert len(kept.said) == 1
    registry.stop_watching()
    await kept.check()
    assert kept.watching is None
    assert watching(registry) == {"vm:1": None, "vm:2": None}
    assert kept.said[-1] == f"stopped watching {inbox.resolve()}"


async def test_another_inbox_asked_replaces_the_one_watched(registry, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    kept = keeper(registry)
    registry.watch_inbox(InboxRequest(str(first), 1.0))
    await kept.check()
    registry.watch_inbox(InboxRequest(str(second), 1.0))
    await kept.check()
    assert kept.watching == InboxRequest(str(second), 1.0)
    assert watching(registry)["vm:1"] == str(second)
    assert kept.said[1] == f"stopped watching {first.resolve()}"
    await kept.stop()


async def test_the_inbox_is_watched_where_this_host_sees_it(registry, tmp_path):
    local = tmp_path / "mnt" / "inbox"
    local.mkdir(parents=True)
    kept = keeper(registry, path_map=PathMap({"/srv/books": str(tmp_path / "mnt")}))
    registry.watch_inbox(InboxRequest("/srv/books/inbox", 1.0))
    await kept.check()
    assert kept.said == [f"watching {local.resolve()} for new books (settle 1 s)"]
    assert watching(registry)["vm:1"] == "/srv/books/inbox"  # as the queue names it
    await kept.stop()


async def test_an_inbox_another_worker_watches_is_left_to_it(registry, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    registry.watch_inbox(InboxRequest(str(inbox), 1.0))
    first = keeper(registry, "vm:1")
    second = keeper(registry, "vm:2")
    await first.check()
    await second.check()
    assert first.watching is not None and second.watching is None
    assert watching(registry) == {"vm:1": str(inbox), "vm:2": None}
    await first.stop()


async def test_of_two_workers_that_took_it_at_once_the_later_lets_go(registry, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    registry.watch_inbox(InboxRequest(str(inbox), 1.0))
    later = keeper(registry, "vm:2")
    await later.check()  # alone: vm:2 takes it
    registry.set_watching("vm:1", str(inbox))  # vm:1 (started first) took it meanwhile
    await later.check()
    assert later.watching is None
    assert watching(registry) == {"vm:1": str(inbox), "vm:2": None}


async def test_a_folder_this_host_lacks_is_said_once_and_tried_again_later(registry, tmp_path):
    clock = Clock()
    inbox = tmp_path / "not yet"
    kept = keeper(registry, clock=clock)
    registry.watch_inbox(InboxRequest(str(inbox), 1.0))
    await kept.check()
    await kept.check()
    assert kept.said == [f"not watching {inbox}: {inbox} is not a folder on this host"]
    inbox.mkdir()
    await kept.check()
    assert kept.watching is None  # not before RETRY_SECONDS
    clock.now += RETRY_SECONDS
    await kept.check()
    assert kept.watching is not None
    await kept.stop()


async def test_a_watch_that_fails_is_said_and_tried_again_later(
    registry, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    async def failing_run(self, stop_event=None) -> None:
        raise OSError("the inbox went away")

    monkeypatch.setattr(InboxWatcher, "run", failing_run)
    clock = Clock()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    kept = keeper(registry, clock=clock)
    registry.watch_inbox(InboxRequest(str(inbox), 1.0))
    await kept.check()  # started: the task fails at once
    await kept.check()
    assert kept.watching is None
    assert watching(registry)["vm:1"] is None
    assert kept.said[-1] == f"not watching {inbox}: the watch ended (the inbox went away)"
    said = len(kept.said)
    await kept.check()
    assert len(kept.said) == said  # not again at every check
    clock.now += RETRY_SECONDS
    await kept.check()
    assert kept.said[said].startswith("watching ")


async def test_the_command_lines_inbox_is_watched_as_given(registry, tmp_path):
    inbox = tmp_path / "srv" / "inbox"
    inbox.mkdir(parents=True)
    fixed = InboxRequest(str(inbox), 0.5)
    # A map that would move the path elsewhere: the command line's is this host's own.
    kept = keeper(registry, fixed=fixed, path_map=PathMap({str(tmp_path): "/elsewhere"}))
    registry.watch_inbox(InboxRequest(str(tmp_path / "other"), 1.0))  # not this worker's
    await kept.check()
    assert kept.watching == fixed
    assert kept.said == [f"watching {inbox.resolve()} for new books (settle 0.5 s)"]
    await kept.stop()
