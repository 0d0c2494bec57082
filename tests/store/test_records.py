"""What JobService and its parts share in their work on rows: a log capped at its newest
lines, the columns an update writes, a new row's title, time-stamped log lines, a changed
row saved and read back (real SQLite)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from uuid import uuid4

from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import JobCreate, JobDB, JobStatus, JobUpdate
from aiom4b_tui.store.records import (
    LOG_CAP_CHARS,
    add_log_lines,
    cap_log,
    column_values,
    load_job,
    log_line,
    new_job_row,
    save_changed,
)
from tests.helpers.workers import (
    add_book_folder,
    sqlite_database,  # noqa: F401 (the fixture)
)

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"


def test_a_log_under_its_cap_is_kept_whole():
    assert cap_log("a\nb", cap=10) == "a\nb"


def test_a_long_log_keeps_its_newest_whole_lines():
    log = "\n".join(f"line {n}" for n in range(100))
    capped = cap_log(log, cap=30)
    kept = capped.splitlines()
    assert kept[0] == "[… older lines dropped]"
    assert kept[-1] == "line 99" and all(line.startswith("line ") for line in kept[1:])
    assert len(capped) <= 30 + len("[… older lines dropped]\n")
    assert cap_log("x" * 50, cap=10) == "[… older lines dropped]\n" + "x" * 10  # one long line
    assert LOG_CAP_CHARS == 64_000


def test_an_update_writes_only_its_set_fields_options_as_json_and_the_log_capped():
    assert column_values(JobUpdate(progress=0.5)) == {"progress": 0.5}
    assert column_values(JobUpdate(output_file=None)) == {"output_file": None}  # set: cleared
    options = JobOptions(bitrate=64_000)
    written = column_values(JobUpdate(options=options))["options"]
    assert JobOptions.model_validate_json(written) == options
    assert "null" not in written  # unset options are left out, not stored as null
    assert column_values(JobUpdate(options=None)) == {"options": None}
    long = column_values(JobUpdate(log="x\n" * LOG_CAP_CHARS))["log"]
    assert len(long) <= LOG_CAP_CHARS + 30 and long.startswith("[… older lines dropped]")


def test_a_new_row_is_queued_titled_by_the_job_the_tags_or_the_folder(tmp_path: Path):
    book = add_book_folder(tmp_path, "Some Book")
    row = new_job_row(JobCreate(input_folders=[book]))
    assert row.status is JobStatus.QUEUED and row.title == "Some Book"
    assert json.loads(row.input_folders) == [str(book.resolve())]
    assert row.options is None  # the defaults are not stored
    tagged = JobOptions(tags=TagOverrides(title="Dune"))
    assert new_job_row(JobCreate(input_folders=[book], options=tagged)).title == "Dune"
    named = new_job_row(JobCreate(input_folders=[book], title="Mine", options=tagged))
    assert named.title == "Mine" and JobOptions.model_validate_json(named.options) == tagged


def test_log_lines_are_stamped_and_blank_ones_dropped(tmp_path: Path):
    book = add_book_folder(tmp_path, "Some Book")
    assert re.fullmatch(rf"{STAMP} said it", log_line("said it  \n"))
    row = new_job_row(JobCreate(input_folders=[book]))
    add_log_lines(row, ["first", "   "])
    add_log_lines(row, [])
    add_log_lines(row, ["second"])
    assert [line.split(" ", 2)[2] for line in row.log.splitlines()] == ["first", "second"]


def test_a_changed_row_is_saved_stamped_and_read_back(db: Database, tmp_path: Path):
    book = add_book_folder(tmp_path, "Some Book")
    row = new_job_row(JobCreate(input_folders=[book]))
    with db.write_session() as session:
        session.add(row)
        session.commit()
    before = load_job(db, row.id).updated_at
    with db.write_session() as session:
        job = session.get(JobDB, row.id)
        job.progress = 0.25
        save_changed(session, job)
    saved = load_job(db, row.id)
    assert saved.progress == 0.25 and saved.updated_at > before
    assert load_job(db, uuid4()) is None
