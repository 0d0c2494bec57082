"""Where the data lives, told without pydantic (config/data_location.py): the data dir's
rule, the folder settings as the full Settings find them, config.toml refused in the
full Settings' words, and the plain SQLite file the light read path may open."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.config.data_location import (
    DB_FILE,
    FOLDER_SETTINGS,
    SETTING_NAMES,
    SettingsError,
    plain_sqlite_file,
    read_config_file,
    read_folder_settings,
    resolve_data_dir,
    settings_in_environment,
)
from aiom4b_tui.config.settings import Settings, load_settings
from tests.helpers import ROOT

CONFIG = 'library_dir = "~/Books"\ninbox_dir = "/drop"\nOutput_Dir = "/wrong/case"\ndays_kept = 9\n'


@pytest.fixture
def no_settings_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No AIOM4B_ setting but the data dir (conftest sets two for the worker)."""
    monkeypatch.delenv("AIOM4B_WORKER_IDLE_EXIT")
    monkeypatch.delenv("AIOM4B_WORKER_NICE")


def _folders_of(settings) -> dict[str, Path | None]:
    return {name: getattr(settings, name) for name in sorted(FOLDER_SETTINGS)}


def test_data_dir_flag_beats_environment(tmp_path: Path, data_dir: Path):
    assert resolve_data_dir() == data_dir.resolve()  # from AIOM4B_DATA_DIR (conftest)
    assert resolve_data_dir(tmp_path / "flag") == (tmp_path / "flag").resolve()
    assert resolve_data_dir("~/x") == Path.home() / "x"


def test_checkout_data_dir_when_nothing_is_set(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("AIOM4B_DATA_DIR")
    assert resolve_data_dir() == ROOT / "data"


def test_the_setting_names_are_the_settings_fields():
    assert set(Settings.model_fields) == SETTING_NAMES


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


def test_a_config_that_cannot_be_read_says_so(tmp_path: Path):
    config = tmp_path / "config.toml"
    assert read_config_file(config) == {}  # none at all: nothing set
    config.write_bytes(b'library_dir = "\xff"\n')
    with pytest.raises(SettingsError, match=r"cannot read .*config\.toml.*fix it or move it away"):
        read_config_file(config)


def test_only_settings_are_taken_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, no_settings_in_environment: None
):
    monkeypatch.setenv("aiom4b_Bitrate", "64000")  # any case, as pydantic-settings matches
    monkeypatch.setenv("AIOM4B_NOT_A_SETTING", "x")
    assert settings_in_environment() == {"bitrate"}  # AIOM4B_DATA_DIR is not counted


def test_the_plain_sqlite_file_when_only_the_data_dir_and_folders_are_set(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, no_settings_in_environment: None
):
    assert plain_sqlite_file(None, None) == data_dir.resolve() / DB_FILE
    data_dir.mkdir()
    (data_dir / "config.toml").write_text('output_dir = "/books"\n')
    assert plain_sqlite_file(data_dir, None) == data_dir.resolve() / DB_FILE
    monkeypatch.setenv("AIOM4B_LIBRARY_DIR", "/lib")
    assert plain_sqlite_file(data_dir, None) == data_dir.resolve() / DB_FILE


@pytest.mark.parametrize(
    ("config", "env", "url"),
    [
        ("", {}, "postgresql+psycopg://host/queue"),
        ("", {"AIOM4B_DAYS_KEPT": "3"}, None),
        ("days_kept = 3\n", {}, None),
        ("output_dir = 5\n", {}, None),  # a folder that is not text: the full way says why
        ("output_dir = [\n", {}, None),  # not TOML: the full way says so
    ],
)
def test_anything_more_takes_the_full_settings(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_settings_in_environment: None,
    config: str,
    env: dict,
    url: str | None,
):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text(config)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert plain_sqlite_file(None, url) is None
