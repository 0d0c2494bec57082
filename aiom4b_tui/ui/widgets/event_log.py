"""The log pane: what the app did and what the selected job's log says, newest last."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import RichLog

from aiom4b_tui.ui.formatting import local_time

MAX_LINES = 1000


class EventLog(RichLog):
    """A RichLog with a line cap and timestamped entries."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=MAX_LINES, wrap=False, markup=False, auto_scroll=True)
        self.can_focus = True

    def event(self, message: str, now: datetime, style: str = "") -> None:
        """One line: the local time, then the message."""
        line = Text(local_time(now, with_date=False) + " ", style="dim")
        line.append(message, style=style)
        self.write(line)

    def job_lines(self, title: str, lines: list[str]) -> None:
        """Lines from a job's own log, indented under its title."""
        for line in lines:
            self.write(Text(f"  {title} │ {line}", style="dim"))
