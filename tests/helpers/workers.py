"""Helpers for the queue's tests: a job database in a temporary data dir, polling."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from uuid import UUID

import pytest

from aiom4b_tui.config.settings import Settings, load_settings
from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.queue.runner.context import RunnerContext
from aiom4b_tui.queue.runner.events import RunnerEvent
from aiom4b_tui.queue.runner.lease import LeaseGuard
from aiom4b_tui.queue.visibility import JobVisibility
from aiom4b_tui.queue.work_folders import WorkFolders
from aiom4b_tui.store.database.db import DB_FILE, Database, open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobDB, JobOptions, JobStatus
from tests.helpers import ROOT

T = TypeVar("T")


def open_service(data_dir: Path, **settings: object) -> tuple[Settings, Database, JobService]:
    """Settings, an opened (migrated) database and its JobService, all in `data_dir`."""
    loaded = load_settings(data_dir, **settings)
    db = open_database(loaded.data_dir, url=loaded.database_url)
    return loaded, db, JobService(db)


@pytest.fixture(name="db")
def sqlite_database(data_dir: Path) -> Iterator[Database]:
    """`db`: the test's data dir's SQLite database, opened and migrated; a test module
    takes it by importing this function."""
    database = open_database(data_dir)
    yield database
    database.close()


@pytest.fixture(name="env")
def sqlite_settings_and_service(tmp_path: Path) -> Iterator[tuple[Settings, JobService]]:
    """`env`: settings and a JobService on a SQLite file in tmp_path/data; a test module
    takes it by importing this function."""
    settings, db, service = open_service(tmp_path / "data")
    yield settings, service
    db.close()


@pytest.fixture(name="service")
def service_on_each_back_end(tmp_path: Path, database_url: str | None) -> Iterator[JobService]:
    """`service`: a JobService in tmp_path/data on each back end in turn (SQLite,
    PostgreSQL); a test module takes it by importing this function."""
    _settings, db, service = open_service(tmp_path / "data")
    yield service
    db.close()


def runner_context(
    service: JobService,
    settings: Settings,
    events: list[RunnerEvent],
    *,
    worker_id: str = "host:1",
    lease: LeaseGuard | None = None,
    removed: list[str] | None = None,
) -> RunnerContext:
    """A runner's shared state for testing its parts alone: its events go to `events`,
    the names of the work folders it removes to `removed` (nothing is deleted)."""
    noted = removed if removed is not None else []
    return RunnerContext(
        service,
        settings,
        worker_id,
        lease=lease or LeaseGuard(settings.lease_seconds),
        visibility=JobVisibility(PathMap(), check=False),
        work_folders=WorkFolders(settings, lambda _output_dir, name: noted.append(name)),
        on_event=events.append,
    )


def add_book_folder(root: Path, name: str) -> Path:
    """An (empty) book folder, enough for a JobCreate."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def queue_jobs(service: JobService, root: Path, count: int, prefix: str = "book") -> list[JobDB]:
    """`count` queued jobs, one per fresh folder under `root`."""
    return [
        service.create_job(JobCreate(input_folders=[add_book_folder(root, f"{prefix}{i:02d}")]))
        for i in range(count)
    ]


def queue_aac_book(service: JobService, folder: Path, out: Path) -> JobDB:
    """Queue `folder` as a book made into `out` with the native `aac` encoder: libfdk_aac,
    where ffmpeg has it, would finish a test's book before the test could act mid-way."""
    options = JobOptions(output_dir=out, encoder="aac")
    return service.create_job(JobCreate(input_folders=[folder], options=options))


def running_past(service: JobService, job_id: UUID, fraction: float = 0.0) -> bool:
    """True once the job runs with progress beyond `fraction`; a job that ended before
    that can never get there, so it fails at once with the job's log."""
    row = service.get_job(job_id)
    assert row is not None, "the job is gone"
    assert row.status in (JobStatus.QUEUED, JobStatus.RUNNING), f"job ended early: {row.log}"
    return row.status is JobStatus.RUNNING and row.progress > fraction


def wait_for(what: Callable[[], T | None], timeout: float = 20.0, every: float = 0.05) -> T:
    """Poll `what` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


def raw_row(data_dir: Path, job_id: UUID) -> dict[str, object] | None:
    """The job's row read with a plain sqlite3 connection: a second, independent reader."""
    conn = sqlite3.connect(data_dir / DB_FILE, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id.hex,)).fetchone()
    finally:
        conn.close()
    return dict(row) if row else None


def cli_env() -> dict[str, str]:
    """The environment for `python -m aiom4b_tui` subprocesses run from the checkout."""
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def aiom4b(data_dir: Path, *args: str | Path, timeout: float = 60):
    """Run `aiom4b --data-dir DATA ARGS...` to its end."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), *map(str, args)],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def start_aiom4b(data_dir: Path, *args: str | Path, log: Path):
    """Start `aiom4b --data-dir DATA ARGS...` in the background, its output going to `log`."""
    import subprocess
    import sys

    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), *map(str, args)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=cli_env(),
            cwd=ROOT,
        )


def child_pids(pid: int) -> list[int]:
    """The pids of the live children of `pid` (from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 1 and fields[1] == str(pid) and fields[0] != "Z":
            children.append(int(stat.parent.name))
    return children


def processes_mentioning(marker: str) -> list[int]:
    """Pids of live processes whose command line contains `marker`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if marker in text:
            found.append(int(cmdline.parent.name))
    return found


def make_book(folder: Path, files: int, seconds: float) -> Path:
    """A book folder of `files` mono 22.05 kHz MP3s of `seconds` each (one continuous tone)."""
    from tests.helpers.audio import make_continuous_book

    make_continuous_book(folder, [round(seconds * 22050)] * files, rate=22050, channels=1)
    return folder


def ffmpeg_children(pid: int) -> list[int]:
    """The live ffmpeg children of `pid`."""
    found = []
    for child in child_pids(pid):
        try:
            if b"ffmpeg" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            continue
    return found


def leftovers(output_dir: Path) -> list[Path]:
    """Work folders left in an output folder."""
    return sorted(output_dir.glob(".aiom4b-work-*")) if output_dir.exists() else []


def segments_recorded(out: Path) -> int:
    """Finished pieces the work folder's manifest records: the first segments are the
    longest (splice.plan_known_cuts), so two slots may both be mid-segment past 60 %."""
    from aiom4b_tui.engine.work.manifest import read_manifest

    folders = leftovers(out)
    manifest = read_manifest(folders[0]) if folders else None
    return len(manifest.pieces) if manifest else 0


def hold_write_lock(db_file: Path, seconds: float) -> None:
    """Another connection holds SQLite's write lock (BEGIN IMMEDIATE) for `seconds`,
    from a thread; returns once the lock is taken."""
    import threading

    taken = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(db_file, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        taken.set()
        threading.Event().wait(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    threading.Thread(target=hold, daemon=True).start()
    if not taken.wait(10):
        raise AssertionError("could not take the write lock")


def short_busy_timeout(monkeypatch, milliseconds: int = 100) -> None:
    """Make databases opened from now on wait only `milliseconds` for a lock."""
    from aiom4b_tui.store.database import db as db_module

    monkeypatch.setenv("AIOM4B_DB_BUSY_TIMEOUT", str(milliseconds / 1000))  # where it is read
    pragmas = tuple(p for p in db_module.PRAGMAS if "busy_timeout" not in p)
    monkeypatch.setattr(db_module, "PRAGMAS", (*pragmas, f"PRAGMA busy_timeout={milliseconds}"))
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", milliseconds)
