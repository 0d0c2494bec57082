"""The end of a job is recorded even when the database refuses the write for a while:
a real SQLite write lock held by another connection, a short busy timeout."""

from __future__ import annotations

import asyncio

import pytest

from aiom4b_tui.queue.runner.record_end import EndNotRecordedError, EndRecorder, JobEnd
from aiom4b_tui.store.models import JobStatus
from tests.helpers.workers import hold_write_lock, open_service, queue_jobs, short_busy_timeout


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    short_busy_timeout(monkeypatch)


async def test_a_locked_database_delays_the_end_but_it_is_recorded(short_timeout, tmp_path):
    _settings, db, service = open_service(tmp_path / "data")
    (job,) = queue_jobs(service, tmp_path, 1)
    service.claim_next("host:1")
    retries: list[str] = []
    recorder = EndRecorder(
        service, "host:1", on_retry=lambda _id, m: retries.append(m), first_delay=0.1
    )
    hold_write_lock(db.path, 1.5)
    end = JobEnd(job.id, JobStatus.FAILED, ["failed: 02.mp3 is empty"], reason="02.mp3 is empty")
    row = await recorder.record(end)
    assert row is not None and row.status is JobStatus.FAILED
    assert row.reason == "02.mp3 is empty"
    assert retries and "database is locked" in retries[0]
    assert service.get_job(job.id).status is JobStatus.FAILED
    db.close()


async def test_a_stopping_worker_gives_up_after_its_grace(short_timeout, tmp_path):
    _settings, db, service = open_service(tmp_path / "data")
    (job,) = queue_jobs(service, tmp_path, 1)
    service.claim_next("host:1")
    recorder = EndRecorder(service, "host:1", first_delay=0.1, grace_after_stop=0.5)
    recorder.stopping = True
    hold_write_lock(db.path, 3)
    with pytest.raises(EndNotRecordedError, match="could not be recorded"):
        await recorder.record(JobEnd(job.id, JobStatus.QUEUED, ["stopped"]))
    assert recorder.unrecorded == {job.id}
    await asyncio.sleep(0)
    db.close()
