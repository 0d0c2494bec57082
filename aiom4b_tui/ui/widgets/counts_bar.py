"""The top line: the app's name, the library folder, and how many jobs are in each state."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from aiom4b_tui.core.models import JobStatus

SHOWN = (
    (JobStatus.RUNNING, "running"),
    (JobStatus.QUEUED, "queued"),
    (JobStatus.COMPLETED, "done"),
    (JobStatus.FAILED, "failed"),
)


def counts_text(counts: dict[JobStatus, int]) -> str:
    """`2 running · 3 queued · 41 done` (failed only when there are some)."""
    parts = [
        f"{counts.get(status, 0)} {word}"
        for status, word in SHOWN
        if status is not JobStatus.FAILED or counts.get(status)
    ]
    return " · ".join(parts)


class CountsBar(Horizontal):
    """`aiom4b` on the left, the job counts on the right."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown = ""
        # Kept, not queried: the first counts can arrive before this bar has composed.
        self._counts = Label("", id="counts")

    def compose(self) -> ComposeResult:
        yield Label("aiom4b", id="app-name")
        yield self._counts

    def show_counts(self, counts: dict[JobStatus, int]) -> None:
        """Show fresh counts."""
        text = counts_text(counts)
        if text != self._shown:  # an unchanged label need not be laid out again
            self._shown = text
            self._counts.update(text)
