"""One setting written into config.toml, everything else in the file kept, and read back
by the settings."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from aiom4b_tui.config.setting_writer import save_setting
from aiom4b_tui.config.settings import SettingsError, load_settings


def test_a_new_file_is_made_private_and_read_back(tmp_path: Path):
    path = save_setting(tmp_path, "output_dir", str(tmp_path / 'My "Books"'))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(tmp_path).output_dir == tmp_path / 'My "Books"'


def test_other_settings_and_tables_are_kept(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('# mine\nbitrate = 64000\n\n[path_map]\n"/srv" = "/mnt"\n')
    save_setting(tmp_path, "output_dir", "/books")
    values = tomllib.loads(config.read_text())
    assert values == {"output_dir": "/books", "bitrate": 64000, "path_map": {"/srv": "/mnt"}}
    assert "# mine" in config.read_text()
    save_setting(tmp_path, "output_dir", "/elsewhere")  # replaced where it stands
    text = config.read_text()
    assert text.count("output_dir") == 1 and tomllib.loads(text)["output_dir"] == "/elsewhere"


def test_a_broken_file_is_left_as_it_is(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text("bitrate = = 1\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        save_setting(tmp_path, "output_dir", "/books")
    assert config.read_text() == "bitrate = = 1\n"


def test_a_folder_written_with_a_tilde_is_the_home_folder(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    save_setting(tmp_path, "output_dir", "~/Audiobooks")
    assert load_settings(tmp_path).output_dir == tmp_path / "home" / "Audiobooks"
