"""Failures told in a person's words (cli/error_messages.py): a refused value named by the
folder or setting it is about, a database or settings failure as a one-line CliError with
its exit code, and a bug left to be a traceback."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from pydantic import ValidationError

from aiom4b_tui.cli.args import EXIT_FAILURE, EXIT_USAGE, CliError
from aiom4b_tui.cli.error_messages import as_cli_error, validation_message
from aiom4b_tui.config.settings import SettingsError
from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.store.models import JobCreate


def _refusal(**values: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        JobCreate.model_validate(values)
    return caught.value


def test_a_missing_folder_is_named_with_no_field_in_front(tmp_path: Path):
    message = validation_message(_refusal(input_folders=[tmp_path / "nowhere"]))
    assert message == f"folder does not exist: {tmp_path / 'nowhere'}"


def test_fields_are_called_what_a_person_calls_them(tmp_path: Path):
    book = tmp_path / "Book"
    book.mkdir()
    options = {"output_name": " ", "tags": {"series_part": "three"}}
    message = validation_message(_refusal(input_folders=[book], options=options))
    assert message == (
        "name: the output name is blank; "
        "tags series part: series part must be a number such as 3 or 2.5, not 'three'"
    )
    with pytest.raises(ValidationError) as caught:
        JobOptions(cover=tmp_path / "a.jpg", no_cover=True)  # a whole-model check
    assert validation_message(caught.value) == "a cover file and no cover at once: choose one"


def test_a_bad_setting_exits_2_and_a_database_failure_1(tmp_path: Path):
    setting = as_cli_error(SettingsError("bad setting books_at_once (0): ..."), tmp_path)
    assert isinstance(setting, CliError) and setting.exit_code == EXIT_USAGE
    assert str(setting) == "bad setting books_at_once (0): ..."
    full = as_cli_error(OSError(errno.ENOSPC, "No space left on device"), tmp_path)
    assert isinstance(full, CliError) and full.exit_code == EXIT_FAILURE
    assert str(full) == f"the disk holding {tmp_path} is full: free space and try again"


def test_a_cli_error_is_itself_and_a_bug_stays_a_bug(tmp_path: Path):
    said = CliError("said already", EXIT_USAGE)
    assert as_cli_error(said, tmp_path) is said
    for bug in (KeyError("x"), ValueError("x"), TypeError("x")):
        assert as_cli_error(bug, tmp_path) is bug  # a traceback, not a sentence
