"""The TUI's settings in two steps (config/app_settings.py): the folders answer at once;
the full Settings are built once, when first needed, and keep a folder chosen meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from aiom4b_tui.config.app_settings import AppSettings
from aiom4b_tui.config.data_location import read_folder_settings
from aiom4b_tui.config.settings import load_settings


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
