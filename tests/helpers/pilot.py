"""Driving the real app in tests: wait for what it shows, focus a widget, read its screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widget import Widget


async def wait_for(
    pilot: Pilot, condition: Callable[[], object], timeout: float = 10.0, step: float = 0.05
) -> None:
    """Let the app run until `condition()` is true; fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            line = condition.__code__.co_firstlineno
            raise AssertionError(f"timed out waiting for line {line}; the screen:\n{_shown(pilot)}")
        await pilot.pause(step)


async def focus(pilot: Pilot, widget: Widget) -> None:
    """Focus `widget` and wait until it has the focus: `focus()` is deferred, and keys
    pressed before it lands go to whatever had the focus."""
    widget.focus()
    await wait_for(pilot, lambda: pilot.app.focused is widget)


def _shown(pilot: Pilot) -> str:
    """The screen's text (and the log's last lines) for a failure message."""
    from aiom4b_tui.ui.text.screen_text import screen_text

    try:
        return screen_text(pilot.app)
    except Exception as exc:  # a failure message must not fail in turn
        return f"(screen not readable: {exc!r})"
