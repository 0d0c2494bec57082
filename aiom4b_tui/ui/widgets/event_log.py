"""The log pane: what happened, newest last, one line per event: `22:41:07 Dune: started`."""

from __future__ import annotations

from collections import deque
from datetime import datetime

from rich.text import Text
from textual.widgets import RichLog

from aiom4b_tui.ui.text.formatting import local_time

MAX_LINES = 1000


class EventLog(RichLog):
    """A RichLog with a line cap and timestamped entries; long lines wrap at any width."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=MAX_LINES, wrap=True, markup=False, auto_scroll=True)
        self.can_focus = True
        self._plain: deque[str] = deque(maxlen=MAX_LINES)

    def event(self, message: str, now: datetime, style: str = "") -> None:
        """One line: the local time, then the message (already made safe to show)."""
        line = Text(local_time(now, with_date=False) + " ", style="dim")
        line.append(message, style=style)
        self._plain.append(line.plain)
        self.write(line)

    def text(self) -> str:
        """Every event kept, scrolled out of view or not, one per line, unwrapped."""
        return "\n".join(self._plain)
