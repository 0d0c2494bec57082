"""The end of a job is recorded even when the database refuses the write for a while:
a real SQLite write lock held by another connection, a short busy timeout."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from aiom4b_tui.core import db as db_module
from aiom4b_tui.core.end_recorder import EndNotRecordedError, EndRecorder, JobEnd
from aiom4b_tui.core.models import JobStatus
from tests.queue_helpers import open_service, queue_jobs


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    pragmas = tuple(p for p in db_module.PRAGMAS if "busy_timeout" not in p)
    monkeypatch.setattr(db_module, "PRAGMAS", (*pragmas, "PRAGMA busy_timeout=100"))
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 100)


def _hold_write_lock(db_file: Path, seconds: float) -> threading.Event:
    """Another connection holds BEGIN IMMEDIATE for `seconds`; the event says it has it."""
    taken = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(db_file, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        taken.set()
        threading.Event().wait(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(5)
    return taken


async def test_a_locked_database_delays_the_end_but_it_is_recorded(short_busy_timeout, tmp_path):
    _settings, db, service = open_service(tmp_path / "data")
    (job,) = queue_jobs(service, tmp_path, 1)
    service.claim_next("host:1")
    retries: list[str] = []
    recorder = EndRecorder(
        service, "host:1", on_retry=lambda _id, m: retries.append(m), first_delay=0.1
    )
    _hold_write_lock(db.path, 1.5)
    end = JobEnd(job.id, JobStatus.FAILED, ["failed: 02.mp3 is empty"], reason="02.mp3 is empty")
    row = await recorder.record(end)
    assert row is not None and row.status is JobStatus.FAILED
    assert row.reason == "02.mp3 is empty"
    assert retries and "database is locked" in retries[0]
    assert service.get_job(job.id).status is JobStatus.FAILED
    db.close()


async def test_a_stopping_worker_gives_up_after_its_grace(short_busy_timeout, tmp_path):
    _settings, db, service = open_service(tmp_path / "data")
    (job,) = queue_jobs(service, tmp_path, 1)
    service.claim_next("host:1")
    recorder = EndRecorder(service, "host:1", first_delay=0.1, grace_after_stop=0.5)
    recorder.stopping = True
    _hold_write_lock(db.path, 3)
    with pytest.raises(EndNotRecordedError, match="could not be recorded"):
        await recorder.record(JobEnd(job.id, JobStatus.QUEUED, ["stopped"]))
    assert recorder.unrecorded == {job.id}
    await asyncio.sleep(0)
    db.close()
