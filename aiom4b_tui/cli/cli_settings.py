"""The settings a verb or the TUI runs with: a bad config told as a CliError (exit 2), the
modes of the books and folders this process writes taken from them.

No database, job models or engine here: the TUI loads its settings before its first
screen, and opens the job store only after it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiom4b_tui.cli.args import EXIT_USAGE, CliError
from aiom4b_tui.core import file_modes
from aiom4b_tui.core.settings import Settings, SettingsError, load_settings


def load_cli_settings(data_dir: Path | None, **overrides: Any) -> Settings:
    """The settings for a verb or the TUI; a bad config is a CliError (exit 2). The
    modes of the books and folders this process writes are taken from them."""
    try:
        settings = load_settings(data_dir, **overrides)
    except SettingsError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    file_modes.configure(settings.file_mode, settings.dir_mode)
    return settings
