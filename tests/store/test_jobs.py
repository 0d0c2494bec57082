"""JobService's own methods (the seed's, the reads, cancel and retry) on each back end in
turn (SQLite, PostgreSQL); the queue's parts have test files of their own."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from aiom4b_tui.job_options.model import TagOverrides
from aiom4b_tui.store.database.db import Database, open_database
from aiom4b_tui.store.jobs import (
    LOG_CAP_CHARS,
    AmbiguousJobIdError,
    JobNotFoundError,
    JobService,
    JobStateError,
    ProgressReport,
)
from aiom4b_tui.store.models import (
    ConversionJob,
    JobCreate,
    JobOptions,
    JobStatus,
    JobUpdate,
    utcnow,
)
from tests.helpers.workers import queue_jobs


@pytest.fixture
def db(data_dir: Path, database_url: str | None) -> Database:
    """The database of the test, on each back end in turn (SQLite, PostgreSQL)."""
    database = open_database(data_dir, url=database_url)
    yield database
    database.close()


@pytest.fixture
def service(db: Database) -> JobService:
    return JobService(db)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "Some Book"
    folder.mkdir()
    return folder


def _age(db: Database, job_id, days: float) -> None:
    """Move a job's end time into the past (tests only: the service has no such verb)."""
    past = utcnow() - timedelta(days=days)
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE jobs SET end_time = :t, updated_at = :t, created_at = :t WHERE id = :id"),
            {"t": past.strftime("%Y-%m-%d %H:%M:%S.%f"), "id": job_id.hex},
        )


def test_create_job_inserts_a_queued_row_with_json_folders(service: JobService, book: Path):
    job = service.create_job(JobCreate(input_folders=[book]))
    assert job.status is JobStatus.QUEUED
    assert json.loads(job.input_folders) == [str(book.resolve())]
    assert job.title == "Some Book"
    assert job.output_file is None and job.start_time is None and job.end_time is None
    assert job.created_at is not None and job.updated_at is not None
    stored = service.get_job(job.id)
    assert stored is not None and stored.status is JobStatus.QUEUED


def test_status_is_stored_as_its_value(service: JobService, db: Database, book: Path):
    job = service.create_job(JobCreate(input_folders=[book]))
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT status FROM jobs WHERE id = :id"), {"id": job.id.hex})
        assert raw.scalar_one() == "queued"


def test_create_job_keeps_options_and_title(service: JobService, book: Path):
    options = JobOptions(
        bitrate=64_000, tags=TagOverrides(author="Ann"), output_name="X", encoder="aac"
    )
    job = service.create_job(JobCreate(input_folders=[book], title="Named", options=options))
    assert job.title == "Named"
    assert job.job_options() == options


def test_only_the_two_aac_encoders_may_be_asked_for():
    assert JobOptions(encoder="libfdk_aac").encoder == "libfdk_aac"
    with pytest.raises(ValidationError, match="encoder"):
        JobOptions(encoder="libmp3lame")


def test_get_job_of_an_unknown_id_is_none(service: JobService):
    assert service.get_job(uuid4()) is None


def test_get_jobs_newest_first_filtered_and_paged(service: JobService, book: Path):
    ids = [service.create_job(JobCreate(input_folders=[book])).id for _ in range(5)]
    service.update_job(ids[1], JobUpdate(status=JobStatus.FAILED))
    assert [j.id for j in service.get_jobs()] == list(reversed(ids))
    assert [j.id for j in service.get_jobs(limit=2, offset=1)] == [ids[3], ids[2]]
    assert [j.id for j in service.get_jobs(status=JobStatus.FAILED)] == [ids[1]]
    assert len(service.get_jobs(status=JobStatus.QUEUED)) == 4
    assert service.get_jobs(offset=5) == []


def test_update_job_writes_set_fields_and_bumps_updated_at(service: JobService, book: Path):
    job = service.create_job(JobCreate(input_folders=[book]))
    time.sleep(0.002)
    done = utcnow()
    updated = service.update_job(
        job.id,
        JobUpdate(status=JobStatus.COMPLETED, output_file="/x/y.m4b", end_time=done, progress=1),
    )
    assert updated is not None
    assert updated.status is JobStatus.COMPLETED
    assert updated.output_file == "/x/y.m4b"
    assert updated.end_time == done
    assert updated.updated_at > job.updated_at
    assert updated.title == job.title  # untouched fields stay
    again = service.update_job(job.id, JobUpdate(log="note"))
    assert again is not None and again.updated_at > updated.updated_at
    assert again.status is JobStatus.COMPLETED


def test_update_of_an_unknown_job_is_none(service: JobService):
    assert service.update_job(uuid4(), JobUpdate(log="x")) is None


def test_append_log_adds_timestamped_lines_and_caps(service: JobService, book: Path):
    job = service.create_job(JobCreate(input_folders=[book]))
    service.append_log(job.id, "first")
    logged = service.append_log(job.id, "second", JobUpdate(progress=0.5))
    assert logged is not None
    lines = logged.log.splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == ["first", "second"]
    assert logged.progress == 0.5
    for i in range(100):  # 100 kB of lines, past the cap
        service.append_log(job.id, f"line {i} " + "x" * 1000)
    capped = service.get_job(job.id)
    assert capped is not None and len(capped.log) <= LOG_CAP_CHARS + 100
    assert capped.log.startswith("[… older lines dropped]\n")
    assert capped.log.rstrip().endswith("line 99 " + "x" * 1000)


def test_delete_job(service: JobService, book: Path):
    job = service.create_job(JobCreate(input_folders=[book]))
    assert service.delete_job(job.id) is True
    assert service.get_job(job.id) is None
    assert service.delete_job(job.id) is False


def test_clear_old_jobs_removes_only_old_finished_jobs(
    service: JobService, db: Database, book: Path
):
    jobs = {}
    for status in JobStatus:
        for age in ("old", "new"):
            job = service.create_job(JobCreate(input_folders=[book]))
            service.update_job(job.id, JobUpdate(status=status, end_time=utcnow()))
            if age == "old":
                _age(db, job.id, days=40)
            jobs[status, age] = job.id
    assert service.clear_old_jobs(days_old=30) == 3
    remaining = {j.id for j in service.get_jobs(limit=100)}
    for (status, age), job_id in jobs.items():
        removed = age == "old" and status.finished
        assert (job_id not in remaining) is removed, (status, age)


def test_to_conversion_job_decodes_json(service: JobService, book: Path):
    options = JobOptions(bitrate=96_000)
    job = service.create_job(JobCreate(input_folders=[book, book], options=options))
    converted = service.to_conversion_job(job)
    assert isinstance(converted, ConversionJob)
    assert converted.input_folders == [book.resolve(), book.resolve()]
    assert converted.options == options
    assert converted.status is JobStatus.QUEUED
    assert converted.model_dump(mode="json")["status"] == "queued"


def test_count_by_status_and_time_range(service: JobService, book: Path):
    assert service.count_by_status() == dict.fromkeys(JobStatus, 0)
    assert service.time_range() == (None, None)
    first = service.create_job(JobCreate(input_folders=[book]))
    last = service.create_job(JobCreate(input_folders=[book]))
    service.update_job(first.id, JobUpdate(status=JobStatus.CANCELLED))
    counts = service.count_by_status()
    assert counts[JobStatus.CANCELLED] == 1 and counts[JobStatus.QUEUED] == 1
    assert service.time_range() == (first.created_at, last.created_at)


def test_find_job_by_id_or_unique_prefix(service: JobService, book: Path):
    job = service.create_job(JobCreate(input_folders=[book]))
    assert service.find_job(str(job.id)).id == job.id
    assert service.find_job(job.id.hex[:6].upper()).id == job.id
    with pytest.raises(JobNotFoundError):
        service.find_job("zz")
    with pytest.raises(JobNotFoundError):
        service.find_job("f" * 32 if not job.id.hex.startswith("f") else "0" * 32)


def test_find_job_refuses_an_ambiguous_prefix(service: JobService, book: Path):
    jobs = [service.create_job(JobCreate(input_folders=[book])) for _ in range(40)]
    firsts = [j.id.hex[0] for j in jobs]
    shared = next(c for c in firsts if firsts.count(c) > 1)
    with pytest.raises(AmbiguousJobIdError):
        service.find_job(shared)


def test_changed_since_lists_updated_jobs(service: JobService, book: Path):
    a = service.create_job(JobCreate(input_folders=[book]))
    b = service.create_job(JobCreate(input_folders=[book]))
    mark = utcnow()
    time.sleep(0.002)
    service.update_job(a.id, JobUpdate(progress=0.25))
    changed = service.changed_since(mark)
    assert [j.id for j in changed] == [a.id]
    assert b.id not in {j.id for j in changed}


def test_cancel_queued_job_marks_it_cancelled(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    done = service.request_cancel(job.id)
    assert done.status is JobStatus.CANCELLED
    assert done.end_time is not None
    assert done.log.endswith("cancelled while queued")


def test_cancel_running_job_only_asks_its_runner(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    asked = service.request_cancel(job.id)
    assert asked.status is JobStatus.RUNNING
    assert asked.cancel_requested
    assert service.running_states([job.id])[job.id].cancel_requested


def test_cancel_finished_job_is_refused(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    service.finish_running(job.id, "host:1", JobStatus.COMPLETED, ["done"], output_file="/x.m4b")
    with pytest.raises(JobStateError):
        service.request_cancel(job.id)


def test_retry_requeues_failed_job_and_keeps_its_log(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    service.finish_running(job.id, "host:1", JobStatus.FAILED, ["failed: 02.mp3 is empty"])
    again = service.retry(job.id)
    assert again.status is JobStatus.QUEUED
    assert again.worker is None and again.end_time is None and again.progress == 0
    assert "failed: 02.mp3 is empty" in again.log
    assert again.log.endswith("retry: queued again (was failed)")


def test_retry_clears_what_the_last_attempt_left(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    service.claim_next("host:1")
    service.heartbeat([job.id], "host:1", {job.id: ProgressReport(0.6, 90.0, 12.0)})
    service.finish_running(job.id, "host:1", JobStatus.CANCELLED, ["cancelled"])
    # An output recorded by an earlier attempt (or by hand) must not survive a retry.
    service.update_job(job.id, JobUpdate(output_file="/out/old.m4b"))
    before = service.get_job(job.id)
    assert before.start_time and before.end_time and before.progress == 0.6
    again = service.retry(job.id)
    assert again.output_file is None
    assert again.start_time is None and again.end_time is None and again.heartbeat is None
    assert again.progress == 0 and again.speed is None and again.eta_seconds is None
    assert not again.cancel_requested


def test_existing_ids_leaves_out_deleted_jobs(service, tmp_path):
    jobs = queue_jobs(service, tmp_path, 3)
    service.delete_job(jobs[1].id)
    ids = [job.id for job in jobs]
    assert service.existing_ids(ids) == {jobs[0].id, jobs[2].id}
    assert service.existing_ids([]) == set()


def test_retry_refuses_queued_and_running_jobs(service, tmp_path):
    job = queue_jobs(service, tmp_path, 1)[0]
    with pytest.raises(JobStateError):
        service.retry(job.id)
    service.claim_next("host:1")
    with pytest.raises(JobStateError):
        service.retry(job.id)
