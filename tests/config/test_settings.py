"""Settings (config/settings.py): which source wins, the folders in the data dir, a bad
config told clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.config.settings import SettingsError, ensure_private_dir, load_settings


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


@pytest.mark.parametrize("written", ["0o640", "640", "0640", 0o640])
def test_a_mode_is_taken_in_every_way_it_is_written(data_dir: Path, written):
    assert load_settings(file_mode=written).file_mode == 0o640


@pytest.mark.parametrize(
    ("written", "reason"), [("rw-r-----", "not an octal mode"), (0o1777, "not between")]
)
def test_a_mode_that_is_not_one_is_refused(data_dir: Path, written, reason):
    with pytest.raises(SettingsError, match=reason):
        load_settings(dir_mode=written)


def test_a_private_dir_is_made_and_an_open_one_is_closed(tmp_path: Path):
    made = ensure_private_dir(tmp_path / "new" / "data")
    assert made.stat().st_mode & 0o777 == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    ensure_private_dir(loose)
    assert loose.stat().st_mode & 0o777 == 0o700
