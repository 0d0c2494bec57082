"""The JSON every verb prints with --json (cli/json_output.py): one timestamp format, ISO
8601 in UTC ending in 'Z', and no control character printed raw."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

import pytest

from aiom4b_tui.cli.json_output import iso_time, print_json


def test_a_naive_time_is_utc_and_an_aware_one_is_turned_into_utc():
    assert iso_time(datetime(2026, 11, 30, 10, 46, 41, 123456)) == "2026-11-30T10:46:41.123456Z"
    paris = timezone(timedelta(hours=1))
    assert iso_time(datetime(2026, 11, 30, 11, 46, 41, tzinfo=paris)) == "2026-11-30T10:46:41Z"
    assert iso_time(datetime(2026, 11, 30, 10, 46, 41, tzinfo=UTC)) == "2026-11-30T10:46:41Z"
    assert iso_time(None) is None


def test_times_paths_and_ids_are_printed_as_strings(capsys: pytest.CaptureFixture[str]):
    job = UUID("0123456789abcdef0123456789abcdef")
    print_json({"id": job, "at": datetime(2026, 1, 2, 3, 4, 5), "out": Path("/o/Dune.m4b")})
    out = capsys.readouterr().out
    assert json.loads(out) == {
        "id": "01234567-89ab-cdef-0123-456789abcdef",
        "at": "2026-01-02T03:04:05Z",
        "out": "/o/Dune.m4b",
    }
    assert out.startswith('{\n  "id"')  # indented, for a person reading it too


def test_no_control_character_is_printed_raw(capsys: pytest.CaptureFixture[str]):
    title = "Evil\x1b]0;pwned\x07\x9b2J\x7f\u202eBook ß"
    print_json({"title": title})
    out = capsys.readouterr().out
    assert all(ch == "\n" or ch.isprintable() for ch in out), repr(out)
    assert "\\u001b]0;pwned\\u0007\\u009b2J\\u007f\\u202eBook ß" in out  # text stays text
    assert json.loads(out) == {"title": title}  # and reads back as it was
