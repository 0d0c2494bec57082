"""The settings a verb or the TUI runs with (cli/cli_settings.py): a bad config is a
CliError (exit 2) saying what the full Settings say; the modes of what this process
writes are taken from them; the TUI's folders are read at once and the rest when first
needed, a bad value told then."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aiom4b_tui.cli.args import EXIT_USAGE, CliError
from aiom4b_tui.cli.cli_settings import load_cli_settings, load_tui_settings
from aiom4b_tui.config.settings import SettingsError, load_settings
from aiom4b_tui.engine.work import file_modes


@pytest.fixture
def modes_restored() -> Iterator[None]:
    """The process's file modes as they were before the test."""
    before = file_modes.current()
    yield
    file_modes.configure(before.file, before.dir)


def test_a_verbs_settings_set_the_modes_of_what_it_writes(data_dir: Path, modes_restored):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text('file_mode = "0640"\ndir_mode = 0o750\n')
    settings = load_cli_settings(None, books_at_once=None, ffmpeg_processes=2)
    assert settings.ffmpeg_processes == 2 and settings.books_at_once == 2  # None: unset
    assert file_modes.current() == file_modes.FileModes(0o640, 0o750)


def test_a_bad_setting_is_a_usage_error_in_one_sentence(data_dir: Path, modes_restored):
    with pytest.raises(CliError) as told:
        load_cli_settings(data_dir, books_at_once=0)
    assert told.value.exit_code == EXIT_USAGE
    assert str(told.value).startswith("bad setting books_at_once (0): ")
    assert str(told.value).endswith(
        f"fix it in {data_dir.resolve() / 'config.toml'} or in its AIOM4B_ variable"
    )


def test_a_tui_config_that_is_not_toml_is_refused_at_once(data_dir):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text("library_dir = [", encoding="utf-8")
    with pytest.raises(SettingsError) as full:
        load_settings()
    with pytest.raises(CliError) as told:
        load_tui_settings(None, None)
    assert told.value.exit_code == EXIT_USAGE and str(told.value) == str(full.value)


def test_a_bad_value_waits_for_the_full_settings_and_is_told_then(data_dir, modes_restored):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text('output_dir = "/out"\nbooks_at_once = 0\n')
    settings = load_tui_settings(None, None)  # the folders alone: nothing refused yet
    assert settings.output_dir == Path("/out") and settings.loaded is None
    for _ in range(2):  # each call tries again, and says the same
        with pytest.raises(CliError, match=r"bad setting books_at_once \(0\)") as told:
            settings.full()
        assert told.value.exit_code == EXIT_USAGE
    assert settings.loaded is None
