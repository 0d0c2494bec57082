"""The worker's watch on its data dir (deleted, database deleted or replaced), and its
supervisor's idle exit: after the idle time with nothing running or queued, never while
it watches an inbox; the inbox watch ends with the supervision."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from aiom4b_tui.queue.worker import DataDirWatch, IdleClock, WorkerSupervisor
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate
from aiom4b_tui.store.workers import InboxRequest, WorkerInfo, WorkerRegistry


def _data_dir(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "aiom4b.db"
    db.write_bytes(b"db")
    return data, db


def test_all_is_well_while_nothing_changed(tmp_path):
    data, db = _data_dir(tmp_path)
    watch = DataDirWatch(data, db)
    db.write_bytes(b"written in place")  # the same file, written to: fine
    assert watch.problem() is None


def test_a_deleted_data_dir_is_noticed(tmp_path):
    data, db = _data_dir(tmp_path)
    watch = DataDirWatch(data, db)
    shutil.rmtree(data)
    assert watch.problem() == f"the data dir {data} was deleted; stopping"


def test_a_deleted_database_is_noticed(tmp_path):
    data, db = _data_dir(tmp_path)
    watch = DataDirWatch(data, db)
    db.unlink()
    assert watch.problem() == f"the database {db} was deleted; stopping"


def test_a_replaced_database_is_noticed(tmp_path):
    data, db = _data_dir(tmp_path)
    watch = DataDirWatch(data, db)
    with db.open("rb"):  # held open, as the worker's SQLite connection holds it
        other = data / "restored.db"
        other.write_bytes(b"another database")
        other.replace(db)
        assert watch.problem() == f"the database {db} was replaced; stopping"


def test_the_idle_clock_counts_from_the_first_idle_look():
    clock = IdleClock()
    assert clock.idle_for(busy=False, now=10.0) == 0.0
    assert clock.idle_for(busy=False, now=12.5) == 2.5
    assert clock.idle_for(busy=True, now=13.0) == 0.0  # busy: counting starts over
    assert clock.idle_for(busy=False, now=20.0) == 0.0
    assert clock.idle_for(busy=False, now=21.0) == 1.0


class FakeRunner:
    """What the supervisor reads of a runner: its running jobs and the queue, and what it
    asks of it: stop, pause, resume."""

    def __init__(self, service) -> None:
        self.service = service
        self.worker_id = "vm:1"
        self.running_job_ids: set = set()
        self.stopped = False

    def request_stop(self, *, requeue: bool = True) -> None:
        self.stopped = True

    def pause(self, *, stop_running: bool = False) -> None:
        pass

    def resume(self) -> None:
        pass

    def abandon_writes(self) -> None:
        pass


class FakeKeeper:
    """An inbox keeper that watches what the test says."""

    def __init__(self, watching: InboxRequest | None) -> None:
        self.watching = watching
        self.checks = 0

    async def check(self) -> None:
        self.checks += 1

    async def stop(self) -> None:
        self.watching = None


def _supervisor(tmp_path: Path, keeper: FakeKeeper | None, idle_exit: float | None):
    data = tmp_path / "data"
    db = open_database(data)
    service = JobService(db)
    runner = FakeRunner(service)
    registry = WorkerRegistry(db)
    registry.register(WorkerInfo("vm:1", "vm", 1, books_at_once=1, ffmpeg_processes=1))
    supervisor = WorkerSupervisor(
        runner,  # type: ignore[arg-type]
        registry,
        DataDirWatch(data, None),
        say=lambda _text: None,
        inbox=keeper,  # type: ignore[arg-type]
        idle_exit=idle_exit,
        pause_interval=0.05,
        control_interval=0.05,
    )
    return supervisor, runner, service


async def test_an_idle_worker_is_ended_after_its_idle_time(tmp_path):
    supervisor, runner, _service = _supervisor(tmp_path, FakeKeeper(None), idle_exit=0.2)
    await asyncio.wait_for(supervisor.run(), timeout=10)
    assert runner.stopped


async def test_a_worker_watching_an_inbox_is_never_idle(tmp_path):
    keeper = FakeKeeper(InboxRequest("/in", 1.0))
    supervisor, runner, _service = _supervisor(tmp_path, keeper, idle_exit=0.1)
    task = asyncio.create_task(supervisor.run())
    while keeper.checks < 10:  # ten looks, each past the idle time
        await asyncio.sleep(0.02)
    assert not runner.stopped and not task.done()
    keeper.watching = None  # the watch was stopped: idle from now on
    await asyncio.wait_for(task, timeout=10)
    assert runner.stopped


async def test_a_queued_book_keeps_the_worker_and_no_idle_time_means_never(tmp_path):
    keeper = FakeKeeper(None)
    supervisor, _runner, service = _supervisor(tmp_path, keeper, idle_exit=0.1)
    folder = tmp_path / "Book"
    folder.mkdir()
    service.create_job(JobCreate(input_folders=[folder]))
    assert await supervisor.is_busy()
    assert not await supervisor.idle_too_long()
    never, _runner, _service = _supervisor(tmp_path / "other", FakeKeeper(None), idle_exit=None)
    assert not await never.idle_too_long()


async def test_the_inbox_watch_ends_with_the_supervision(tmp_path):
    keeper = FakeKeeper(InboxRequest("/in", 1.0))
    supervisor, _runner, _service = _supervisor(tmp_path, keeper, idle_exit=None)
    task = asyncio.create_task(supervisor.run())
    while not keeper.checks:
        await asyncio.sleep(0.02)
    supervisor.finish()
    await asyncio.wait_for(task, timeout=10)
    assert keeper.watching is None
