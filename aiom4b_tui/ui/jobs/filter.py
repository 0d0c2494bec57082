"""The queue table's filter: a status, some text, or both, parsed from what a person types.

The empty filter is made with the table, in the app's first screen: the statuses come from
the light store/status.py, the job models only for type checks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiom4b_tui.store.status import JobStatus

if TYPE_CHECKING:
    from aiom4b_tui.store.models import JobDB


@functools.cache
def status_words() -> dict[str, JobStatus]:
    """The words that name a status: its value, and `done`, `canceled`."""
    return {
        **{status.value: status for status in JobStatus},
        "done": JobStatus.COMPLETED,
        "canceled": JobStatus.CANCELLED,
    }


@dataclass(frozen=True)
class JobFilter:
    """Which jobs the table shows. The empty filter shows all."""

    status: JobStatus | None = None
    text: str = ""

    @classmethod
    def parse(cls, typed: str) -> JobFilter:
        """`failed`, `dune`, `running austen`: a status word and/or text to look for."""
        status = None
        words = []
        for word in typed.split():
            found = status_words().get(word.casefold())
            if found is not None and status is None:
                status = found
            else:
                words.append(word)
        return cls(status=status, text=" ".join(words))

    @property
    def active(self) -> bool:
        """True when the filter hides anything."""
        return self.status is not None or bool(self.text)

    def matches(self, job: JobDB) -> bool:
        """True when the job belongs in the filtered table."""
        from aiom4b_tui.ui.jobs.cells import matches_text

        if self.status is not None and job.status is not self.status:
            return False
        return not self.text or matches_text(job, self.text)

    def describe(self) -> str:
        """The filter in words, for the jobs pane's title."""
        parts = []
        if self.status is not None:
            parts.append(self.status.value)
        if self.text:
            parts.append(f"“{self.text}”")
        return " ".join(parts)
