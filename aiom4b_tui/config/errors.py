"""A bad setting told in one sentence: which setting, what is wrong with it, where to fix it."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from aiom4b_tui.config.data_location import CONFIG_FILE
from aiom4b_tui.safe_text import visible


def settings_message(exc: ValidationError, data_dir: Path | None) -> str:
    """A bad setting in one sentence: which, what is wrong, where to fix it."""
    parts = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
        given = error.get("input")
        what = str(error.get("msg", "")).removeprefix("Value error, ")
        shown = f" ({visible(repr(given))})" if given is not None and name else ""
        parts.append(f"{name}{shown}: {what}" if name else what)
    config = (data_dir / CONFIG_FILE) if data_dir else Path(CONFIG_FILE)
    return f"bad setting {'; '.join(parts)}: fix it in {config} or in its AIOM4B_ variable"
