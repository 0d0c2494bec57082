"""Helpers for the queue's tests: a job database in a temporary data dir, polling."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from aiom4b_tui.core.db import DB_FILE, Database, open_database
from aiom4b_tui.core.jobs import JobService
from aiom4b_tui.core.models import JobCreate, JobDB
from aiom4b_tui.core.settings import Settings, load_settings

T = TypeVar("T")


def open_service(data_dir: Path, **settings: object) -> tuple[Settings, Database, JobService]:
    """Settings, an opened (migrated) database and its JobService, all in `data_dir`."""
    loaded = load_settings(data_dir, **settings)
    db = open_database(loaded.data_dir)
    return loaded, db, JobService(db)


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
