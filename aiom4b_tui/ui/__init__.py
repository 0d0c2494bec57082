"""The Textual app. `run_tui` is the one entry the CLI needs; textual loads only when called."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiom4b_tui.core.settings import Settings


def run_tui(settings: Settings, start_path: Path | None = None) -> int:
    """Run the app on this terminal until it quits; returns the exit code."""
    from aiom4b_tui.ui.app import create_app

    app = create_app(settings, start_path)
    result = app.run()
    return app.return_code if app.return_code is not None else (result or 0)
