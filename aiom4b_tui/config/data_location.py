"""Where the data lives, told without pydantic: the data dir, its `config.toml`, the
SQLite file in it, the folder settings, and whether anything but the data dir is
configured.

config/settings.py builds the full Settings on these (the data dir rule and the config
file's reading live only here); the light read path of `aiom4b jobs` and `stats`
(cli/listing_verbs.py) uses them to find the database without loading pydantic-settings,
and leaves any configuration beyond the data dir and folders to the full Settings. The
TUI reads its first screen's folders here (`read_folder_settings`) and builds the full
Settings just after that screen is drawn.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

APP_NAME = "aiom4b"
CONFIG_FILE = "config.toml"
ENV_PREFIX = "AIOM4B_"
DB_FILE = "aiom4b.db"
DATA_DIR_ENV = f"{ENV_PREFIX}DATA_DIR"
DEFAULT_BUSY_TIMEOUT = 30.0  # s a writer waits for a lock: Settings.db_busy_timeout's default
# The fields of config/settings.Settings (tests/store/test_light_read.py holds them
# equal): an AIOM4B_ variable or config.toml key of one of these names is a setting.
SETTING_NAMES = frozenset(
    {
        "data_dir",
        "library_dir",
        "inbox_dir",
        "output_dir",
        "bitrate",
        "books_at_once",
        "ffmpeg_processes",
        "days_kept",
        "ffmpeg",
        "worker_idle_exit",
        "worker_nice",
        "encoder_priority",
        "encoder_cgroup",
        "db_busy_timeout",
        "file_mode",
        "dir_mode",
        "database_url",
        "path_map",
        "lease_seconds",
    }
)


class SettingsError(ValueError):
    """The configuration cannot be used (bad config.toml, bad value)."""


def _checkout_data_dir() -> Path | None:
    """`data/` of the source checkout this package runs from, if it runs from one."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "aiom4b_tui").is_dir():
        return root / "data"
    return None


def resolve_data_dir(explicit: Path | str | None = None) -> Path:
    """--data-dir, else AIOM4B_DATA_DIR, else the checkout's data/, else the user data dir."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return _checkout_data_dir() or Path(user_data_dir(APP_NAME, appauthor=False))


def read_config_file(path: Path) -> dict[str, Any]:
    """The values of the config file at `path` ({} when there is none); SettingsError
    when it cannot be read or is not TOML."""
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML ({exc}): fix it or move it away") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {path} ({exc}): fix it or move it away") from exc


# Settings the listing verbs may leave unread: folders, which take any text, so reading
# them could refuse nothing (the first run writes output_dir to config.toml). Any other
# setting sends the verbs through the full Settings, which check it as every verb does.
FOLDER_SETTINGS = frozenset({"library_dir", "inbox_dir", "output_dir"})


def _environment_values() -> dict[str, str]:
    """The settings AIOM4B_ variables give, besides AIOM4B_DATA_DIR: setting name ->
    text (the names are matched without regard to case, as pydantic-settings matches them)."""
    prefix = ENV_PREFIX.lower()
    found = {}
    for name, value in os.environ.items():
        low = name.lower()
        if name != DATA_DIR_ENV and low.startswith(prefix) and low[len(prefix) :] in SETTING_NAMES:
            found[low[len(prefix) :]] = value
    return found


def settings_in_environment() -> set[str]:
    """The settings an AIOM4B_ variable gives, besides AIOM4B_DATA_DIR."""
    return set(_environment_values())


@dataclass
class FolderSettings:
    """The data dir and the folder settings, read without pydantic: what the TUI's first
    screen needs. The full Settings, built after it, check every value."""

    data_dir: Path
    library_dir: Path | None = None
    inbox_dir: Path | None = None
    output_dir: Path | None = None


def read_folder_settings(data_dir: Path | str | None = None) -> FolderSettings:
    """The folder settings for the data dir resolved from `data_dir`, found as the full
    Settings find them: an AIOM4B_ variable, else config.toml's key, `~` expanded. A value
    that is not text is left unset here (the full Settings refuse it). SettingsError when
    config.toml cannot be read or is not TOML, with the full Settings' message."""
    resolved = resolve_data_dir(data_dir)
    config = read_config_file(resolved / CONFIG_FILE)
    environment = _environment_values()
    folders = {}
    for name in FOLDER_SETTINGS:
        value = environment.get(name, config.get(name))
        folders[name] = Path(value).expanduser() if isinstance(value, str) else None
    return FolderSettings(resolved, **folders)


def plain_sqlite_file(data_dir: Path | str | None, database_url: str | None) -> Path | None:
    """The data dir's SQLite file when nothing but the data dir and folder settings is
    configured: no database URL flag, no other setting in the environment or in
    config.toml, folders given as text (a config file that cannot be read counts as
    configured). None otherwise: the full Settings (config/settings.load_settings) must
    then be read, with their checks and messages."""
    if database_url or settings_in_environment() - FOLDER_SETTINGS:
        return None
    resolved = resolve_data_dir(data_dir)
    try:
        config = read_config_file(resolved / CONFIG_FILE)
    except SettingsError:
        return None
    for key, value in config.items():
        name = str(key).lower()
        if name in SETTING_NAMES and not (name in FOLDER_SETTINGS and isinstance(value, str)):
            return None
    return resolved / DB_FILE
