"""The settings a verb or the TUI runs with: a bad config told as a CliError (exit 2), the
modes of the books and folders this process writes taken from them.

No database, job models or engine here, and pydantic-settings only once the full
Settings are built: the TUI reads the folders of its first screen first
(`load_tui_settings`) and builds the rest in the thread that opens its job store.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiom4b_tui.cli.args import EXIT_USAGE, CliError
from aiom4b_tui.config.data_location import SettingsError, read_folder_settings
from aiom4b_tui.engine.work import file_modes

if TYPE_CHECKING:
    from aiom4b_tui.config.app_settings import AppSettings
    from aiom4b_tui.config.settings import Settings


def load_cli_settings(data_dir: Path | None, **overrides: Any) -> Settings:
    """The settings for a verb or the TUI; a bad config is a CliError (exit 2). The
    modes of the books and folders this process writes are taken from them."""
    from aiom4b_tui.config.settings import load_settings

    try:
        settings = load_settings(data_dir, **overrides)
    except SettingsError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    file_modes.configure(settings.file_mode, settings.dir_mode)
    return settings


def load_tui_settings(data_dir: Path | None, database_url: str | None) -> AppSettings:
    """The TUI's settings: the folders read now (a config.toml that is not TOML is a
    CliError at once), the full Settings built by `load_cli_settings` when first needed,
    so a bad value there is the same CliError, raised where they are built."""
    from aiom4b_tui.config.app_settings import AppSettings

    try:
        folders = read_folder_settings(data_dir)
    except SettingsError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    return AppSettings(folders, partial(load_cli_settings, data_dir, database_url=database_url))
