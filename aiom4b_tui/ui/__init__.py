"""The Textual app. `run_tui` is the one entry the CLI needs; textual loads only when called."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiom4b_tui.config.app_settings import AppSettings
    from aiom4b_tui.config.settings import Settings


def run_tui(settings: Settings | AppSettings, start_path: Path | None = None) -> int:
    """Run the app on this terminal until it quits; returns the exit code. The full
    settings (if not built yet) and the job store are made once the first screen is up;
    if they cannot be, the app ends and the error is raised here (the terminal restored),
    for the caller to tell."""
    from aiom4b_tui.ui.start.gc_hold import hold_collector, release_collector

    hold_collector()  # until the first frame (AiomApp.on_ready): see ui/start/gc_hold.py
    try:
        from aiom4b_tui.ui.app import create_app

        app = create_app(settings, start_path)
        result = app.run()
    finally:
        release_collector()
    if app.store_error is not None:
        raise app.store_error
    return app.return_code if app.return_code is not None else (result or 0)
