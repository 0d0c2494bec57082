"""A bad setting told in one sentence (config/errors.py): which setting, the value given
(made visible), what is wrong with it, and where to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from aiom4b_tui.config.errors import settings_message
from aiom4b_tui.config.settings import Settings


def _refusal(**values: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Settings(**values)
    return caught.value


def test_the_setting_its_value_the_reason_and_where_to_fix_it(tmp_path: Path):
    message = settings_message(_refusal(data_dir=tmp_path, books_at_once=0), tmp_path)
    assert message == (
        "bad setting books_at_once (0): Input should be greater than or equal to 1: "
        f"fix it in {tmp_path / 'config.toml'} or in its AIOM4B_ variable"
    )


def test_every_bad_setting_is_told_and_a_value_is_never_shown_raw(tmp_path: Path):
    refusal = _refusal(data_dir=tmp_path, days_kept=-1, file_mode="rw\x1b[2J")
    message = settings_message(refusal, None)
    assert message.startswith("bad setting days_kept (-1): ")
    assert "; file_mode ('rw\\x1b[2J'): not an octal mode: 'rw\\x1b[2J' (e.g. 0o644)" in message
    assert "\x1b" not in message
    assert message.endswith(": fix it in config.toml or in its AIOM4B_ variable")  # no data dir


def test_a_nested_setting_is_named_by_its_path(tmp_path: Path):
    message = settings_message(_refusal(data_dir=tmp_path, path_map={"/srv": 5}), tmp_path)
    assert message.startswith("bad setting path_map./srv (5): Input should be a valid string")
