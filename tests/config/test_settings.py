"""Settings: where the data dir is, and which source wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.config.settings import SettingsError, load_settings, resolve_data_dir
from tests.helpers import ROOT


def test_data_dir_flag_beats_environment(tmp_path: Path, data_dir: Path):
    assert resolve_data_dir() == data_dir.resolve()  # from AIOM4B_DATA_DIR (conftest)
    assert resolve_data_dir(tmp_path / "flag") == (tmp_path / "flag").resolve()


def test_checkout_data_dir_when_nothing_is_set(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("AIOM4B_DATA_DIR")
    assert resolve_data_dir() == ROOT / "data"


def test_flags_beat_environment_beat_config_file(data_dir: Path, monkeypatch):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text(
        'books_at_once = 3\ndays_kept = 7\nlibrary_dir = "/books"\n', encoding="utf-8"
    )
    settings = load_settings()
    assert (settings.books_at_once, settings.days_kept) == (3, 7)
    assert settings.library_dir == Path("/books")
    monkeypatch.setenv("AIOM4B_BOOKS_AT_ONCE", "4")
    assert load_settings().books_at_once == 4
    assert load_settings(books_at_once=5).books_at_once == 5
    assert load_settings(books_at_once=None).books_at_once == 4


def test_output_dir_defaults_into_the_data_dir(data_dir: Path):
    settings = load_settings()
    assert settings.resolved_output_dir() == data_dir.resolve() / "output"
    assert settings.backup_dir == data_dir.resolve() / "backup"


def test_bad_config_is_a_clear_error(data_dir: Path):
    data_dir.mkdir()
    (data_dir / "config.toml").write_text("books_at_once = [", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"config\.toml"):
        load_settings()
    (data_dir / "config.toml").write_text("books_at_once = 0", encoding="utf-8")
    with pytest.raises(SettingsError, match="books_at_once"):
        load_settings()
