"""The job data: the status column (known values as text, an unknown one read and written
back unchanged), a row's decoded fields and problem, what it takes to queue a job and to
change one, and the job as the program sees it."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from uuid import UUID

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import (
    ConversionJob,
    JobCreate,
    JobDB,
    JobStatus,
    JobUpdate,
    UnknownStatus,
    utcnow,
)
from tests.helpers.workers import sqlite_database  # noqa: F401 (the fixture)


def _stored_status(db: Database, job_id: UUID) -> str:
    with db.engine.connect() as conn:
        query = text("SELECT status FROM jobs WHERE id = :id")
        return conn.execute(query, {"id": job_id.hex}).scalar_one()


def _add(db: Database, job: JobDB) -> None:
    with db.write_session() as session:
        session.add(job)
        session.commit()


def test_the_time_is_utc_and_aware():
    now = utcnow()
    assert now.tzinfo is UTC


def test_an_unknown_status_is_read_as_such_and_written_back_unchanged(db: Database):
    job = JobDB(input_folders=json.dumps(["/b/Dune"]))
    _add(db, job)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE jobs SET status = 'paused' WHERE id = :id"), {"id": job.id.hex})
    with db.write_session() as session:
        row = session.get(JobDB, job.id)
        assert isinstance(row.status, UnknownStatus) and row.status == "paused"
        row.title = "touched"  # a write of the row keeps the status it does not know
        session.add(row)
        session.commit()
    assert _stored_status(db, job.id) == "paused"


def test_only_statuses_it_knows_are_written(db: Database):
    _add(db, JobDB(input_folders="[]", status=JobStatus.CANCELLED))
    with pytest.raises(Exception, match="'finished' is not a valid JobStatus"):
        _add(db, JobDB(input_folders="[]", status="finished"))


def test_a_row_decodes_its_fields_and_says_what_is_wrong():
    sound = JobDB(input_folders=json.dumps(["/b/Dune"]), options='{"bitrate": 64000}')
    assert sound.folders() == [Path("/b/Dune")]
    assert sound.job_options() == JobOptions(bitrate=64_000)
    assert sound.problem() is None
    bad = JobDB(input_folders="[", options="{", status=UnknownStatus("x"))
    assert bad.problem() == (
        "status 'x'; input_folders is not JSON ([); options cannot be read ({)"
    )


@pytest.mark.parametrize(
    ("folders", "message"),
    [
        ([], "no input folders"),
        (["/definitely/not/here"], "/definitely/not/here"),
    ],
)
def test_bad_input_is_refused_naming_the_path(folders, message):
    with pytest.raises(ValidationError, match=message):
        JobCreate(input_folders=folders)


def test_a_file_where_a_folder_is_expected_is_refused(tmp_path: Path):
    file = tmp_path / "track.mp3"
    file.write_bytes(b"x")
    with pytest.raises(ValidationError, match=f"not a folder: {file}"):
        JobCreate(input_folders=[file])


def test_folders_are_kept_absolute_and_resolved(tmp_path: Path, monkeypatch):
    (tmp_path / "home" / "Dune").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "home")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    job = JobCreate(input_folders=["~/Dune", tmp_path / "link" / "Dune"])
    assert job.input_folders == [(tmp_path / "home" / "Dune").resolve()] * 2


def test_progress_outside_zero_to_one_is_refused():
    with pytest.raises(ValidationError):
        JobUpdate(progress=1.5)
    with pytest.raises(ValidationError):
        JobUpdate(progress=-0.1)
    assert JobUpdate(progress=1).progress == 1.0


def _conversion_job(**fields) -> ConversionJob:
    now = utcnow()
    base = {"id": UUID(int=1), "status": JobStatus.QUEUED, "input_folders": [Path("/b/Dune")]}
    return ConversionJob(**(base | {"created_at": now, "updated_at": now} | fields))


def test_a_job_as_the_program_sees_it_names_itself_and_its_status():
    assert _conversion_job().display_title == "Dune"
    assert _conversion_job(title="Named").display_title == "Named"
    assert _conversion_job().status_text == "queued"
    bad = _conversion_job(status=None, problem="status 'x'")
    assert bad.status_text == "bad row: status 'x'"
    assert _conversion_job().options == JobOptions() and not _conversion_job().cancel_requested
