"""A row's JSON fields decoded (folders, options), what is wrong with a row, and the title
a listing shows: the same answers for the ORM row and the light read path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from uuid import UUID

import pytest

from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.store.row_fields import (
    BadRowError,
    decode_folders,
    decode_options,
    display_title,
    row_problem,
)
from aiom4b_tui.store.status import JobStatus, UnknownStatus
from tests.helpers import ROOT

FOLDERS = json.dumps(["/books/Dune", "/books/Dune/CD2"])


def test_folders_decode_from_their_json():
    assert decode_folders(FOLDERS) == [Path("/books/Dune"), Path("/books/Dune/CD2")]


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        ("not json at all", "input_folders is not JSON (not json at all)"),
        ('{"a": 1}', "input_folders is not a list of paths ({'a': 1})"),
        ('["/a", ""]', "input_folders is not a list of paths (['/a', ''])"),
        ("[1]", "input_folders is not a list of paths ([1])"),
        ("[]", "input_folders is empty"),
        ("x" * 60, "input_folders is not JSON (" + "x" * 39 + "…)"),
    ],
)
def test_folders_that_do_not_decode_say_why(stored: str, said: str):
    with pytest.raises(BadRowError) as caught:
        decode_folders(stored)
    assert str(caught.value) == said


def test_options_decode_and_none_are_the_defaults():
    stored = JobOptions(bitrate=64_000, encoder="aac").model_dump_json(exclude_none=True)
    assert decode_options(stored) == JobOptions(bitrate=64_000, encoder="aac")
    assert decode_options(None) == JobOptions() == decode_options("")
    with pytest.raises(BadRowError, match=r"options cannot be read \(\{\"bitrate\": \)"):
        decode_options('{"bitrate": ')
    with pytest.raises(BadRowError, match="options cannot be read"):
        decode_options('{"encoder": "libmp3lame"}')  # JSON, but not options this version takes


def test_a_sound_row_has_no_problem_and_a_bad_one_says_each():
    assert row_problem(JobStatus.QUEUED, FOLDERS, None) is None
    assert row_problem(UnknownStatus("bogus"), "[]", "{") == (
        "status 'bogus'; input_folders is empty; options cannot be read ({)"
    )


def test_the_title_falls_back_to_the_first_folder_then_the_id():
    job_id = UUID(int=7)
    assert display_title("Dune", [Path("/b/x")], job_id) == "Dune"
    assert display_title(None, [Path("/b/Dune"), Path("/b/CD2")], job_id) == "Dune"
    assert display_title("", [], job_id) == str(job_id)


def test_rows_without_options_are_read_without_pydantic():
    code = (
        "import sys\n"
        "from aiom4b_tui.store.row_fields import decode_folders, row_problem\n"
        "from aiom4b_tui.store.status import JobStatus\n"
        f"assert row_problem(JobStatus.QUEUED, {FOLDERS!r}, None) is None\n"
        f"decode_folders({FOLDERS!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
