"""The TUI's settings in two steps: the folders read without pydantic find what the full
Settings find; the full Settings are built once, when first needed, and keep a folder
chosen meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from aiom4b_tui.cli.args import EXIT_USAGE, CliError
from aiom4b_tui.cli.cli_settings import load_tui_settings
from aiom4b_tui.config.app_settings import AppSettings
from aiom4b_tui.config.data_location import FOLDER_SETTINGS, read_folder_settings
from aiom4b_tui.config.settings import SettingsError, load_settings

CONFIG = 'library_dir = "~/Books"\ninbox_dir = "/drop"\nOutput_Dir = "/wrong/case"\ndays_kept = 9\n'


def _folders_of(settings) -> dict[str, Path | None]:
    return {name: getattr(settings, name) for name in sorted(FOLDER_SETTINGS)}


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"AIOM4B_OUTPUT_DIR": "~/out"},
        {"aiom4b_inbox_dir": "/env/inbox", "AIOM4B_LIBRARY_DIR": "/env/lib"},
        {"AIOM4B_OUTPUT_DIR": ""},
    ],
)
def test_the_folders_read_light_are_the_full_settings_folders(data_dir, monkeypatch, env):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    light = read_folder_settings()
    full = load_settings()
    assert light.data_dir == full.data_dir
    assert _folders_of(light) == _folders_of(full)
    assert light.library_dir == Path(env.get("AIOM4B_LIBRARY_DIR", "~/Books")).expanduser()


def test_no_config_file_no_folders(data_dir):
    light = read_folder_settings(data_dir)
    assert light.data_dir == data_dir.resolve()
    assert _folders_of(light) == dict.fromkeys(sorted(FOLDER_SETTINGS))


def test_a_config_that_is_not_toml_is_refused_as_the_full_settings_refuse_it(data_dir):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text("library_dir = [", encoding="utf-8")
    with pytest.raises(SettingsError) as light:
        read_folder_settings()
    with pytest.raises(SettingsError) as full:
        load_settings()
    assert str(light.value) == str(full.value)
    with pytest.raises(CliError) as told:
        load_tui_settings(None, None)
    assert told.value.exit_code == EXIT_USAGE and str(told.value) == str(full.value)


def test_a_bad_value_waits_for_the_full_settings_and_is_told_then(data_dir):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text('output_dir = "/out"\nbooks_at_once = 0\n')
    settings = load_tui_settings(None, None)  # the folders alone: nothing refused yet
    assert settings.output_dir == Path("/out") and settings.loaded is None
    for _ in range(2):  # each call tries again, and says the same
        with pytest.raises(CliError, match=r"bad setting books_at_once \(0\)") as told:
            settings.full()
        assert told.value.exit_code == EXIT_USAGE
    assert settings.loaded is None


def test_the_full_settings_are_built_once_when_first_needed(data_dir):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text('days_kept = 9\nlibrary_dir = "/books"\n')
    built: list[int] = []

    def load():
        built.append(1)
        return load_settings(data_dir)

    settings = AppSettings(read_folder_settings(data_dir), load)
    assert settings.library_dir == Path("/books") and built == []
    threads = [threading.Thread(target=settings.full) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert settings.days_kept == 9  # any other setting: the full Settings' own
    assert settings.resolved_output_dir() == data_dir.resolve() / "output"
    assert built == [1] and settings.loaded is settings.full()


def test_an_output_folder_chosen_before_the_full_settings_is_kept(data_dir, tmp_path):
    settings = AppSettings(read_folder_settings(data_dir), lambda: load_settings(data_dir))
    assert settings.output_dir is None
    settings.output_dir = tmp_path / "books"  # the first run's question, answered
    assert settings.full().output_dir == tmp_path / "books"
    settings.output_dir = tmp_path / "other"
    assert settings.full().output_dir == tmp_path / "other"


def test_settings_already_built_stand_as_they_are(data_dir):
    full = load_settings(data_dir, library_dir="/books")
    settings = AppSettings.of(full)
    assert settings.loaded is full and settings.full() is full
    assert settings.library_dir == Path("/books") and settings.data_dir == full.data_dir
    with pytest.raises(AttributeError):
        settings._no_such_thing  # noqa: B018
