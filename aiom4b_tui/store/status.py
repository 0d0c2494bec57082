"""A job's status: the stored values (`JobStatus`), the text of a status this version does
not know (`UnknownStatus`), and what a listing shows for either.

Nothing here imports the database layer, so the light read path (store/light_read.py)
and store/models.py share one definition.
"""

from __future__ import annotations

from enum import Enum


class JobStatus(str, Enum):
    """Job status enumeration."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """True for the statuses a job ends in."""
        return self in FINISHED_STATUSES


FINISHED_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED})


class UnknownStatus(str):
    """A status read from a row that this version does not know ('bogus', or a newer
    version's). Never equal to a JobStatus, so no claim or transition takes the row."""

    @property
    def value(self) -> str:
        """The text stored, as JobStatus.value gives it."""
        return str(self)

    @property
    def finished(self) -> bool:
        """Unknown statuses are not finished (clear never removes such a row)."""
        return False

    def __repr__(self) -> str:
        return f"UnknownStatus({str(self)!r})"


def read_status(value: str) -> JobStatus | UnknownStatus:
    """The status stored as `value`: a JobStatus, else an UnknownStatus (never fails)."""
    try:
        return JobStatus(value)
    except ValueError:
        return UnknownStatus(value)


def status_text(status: JobStatus | None, problem: str | None) -> str:
    """What a listing says for a job: its status's value, or "bad row: …" for a row that
    cannot be read fully."""
    if problem:
        return f"bad row: {problem}"
    return status.value if status else "?"
