"""Driving the real app in tests: wait for what it shows or for its work to be done,
focus a widget, read its screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import Worker


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


def unfinished_work(app: App, group: str) -> list[Worker]:
    """The app's workers of `group` that have not finished (finished ones leave the
    app's list): work started and not yet done."""
    return [worker for worker in app.workers if worker.group == group]


async def wait_for_work(pilot: Pilot, group: str, timeout: float = 10.0) -> None:
    """Until every worker of `group` has finished: what they do is done (or was never
    started), so a check that nothing happened comes after the moment it would have."""
    await wait_for(pilot, lambda: not unfinished_work(pilot.app, group), timeout)
