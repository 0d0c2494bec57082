"""What the job keys ask for, and how each is carried out (no Textual here).

The jobs panel posts `JobsPanel.Asked(action, job)`; the main screen routes it: it
pushes the details screen, or says why not (`refusal`), asks first where the action
cannot be undone (`question`), runs the command in a thread (`run`, through
`ui/jobs/commands.py`) and shows what came of it (`told`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from aiom4b_tui.store.status import JobStatus

if TYPE_CHECKING:  # the models and the commands come with the store
    from aiom4b_tui.store.jobs import JobService
    from aiom4b_tui.store.models import JobDB
    from aiom4b_tui.ui.jobs.commands import Outcome

NO_JOB = "No job selected."
CANCEL_FIRST = "Cancel the job before deleting it."


class JobAction(Enum):
    """A job key: `enter` details, `c` cancel, `r` retry, `d` delete, `x` clear old."""

    DETAILS = "details"
    CANCEL = "cancel"
    RETRY = "retry"
    DELETE = "delete"
    CLEAR_OLD = "clear old"

    @property
    def needs_job(self) -> bool:
        """True when the action is on the selected job (clearing old ones is not)."""
        return self is not JobAction.CLEAR_OLD


@dataclass(frozen=True)
class Told:
    """What to tell the person: a log line (text, Rich style) and/or a note (text, severity)."""

    log: tuple[str, str] | None = None
    note: tuple[str, str] | None = None


def refusal(action: JobAction, job: JobDB | None) -> str | None:
    """Why the action is not even asked about (None: it may go ahead)."""
    if action is JobAction.DELETE and job is not None and job.status is JobStatus.RUNNING:
        return CANCEL_FIRST
    return None


def question(action: JobAction, job: JobDB | None, days_kept: int) -> tuple[str, str] | None:
    """The question to ask first and the word that says yes (None: nothing to ask)."""
    if action is JobAction.DELETE and job is not None:
        from aiom4b_tui.ui.jobs.cells import display_title

        return f"Delete the job “{display_title(job)}”?", "Delete"
    if action is JobAction.CLEAR_OLD:
        return f"Clear finished jobs older than {days_kept} days?", "Clear"
    return None


def run(action: JobAction, service: JobService, job: JobDB | None, days_kept: int) -> Outcome:
    """Carry out a command (blocking: call it in a thread)."""
    from aiom4b_tui.ui.jobs import commands

    if action is JobAction.CLEAR_OLD:
        return commands.clear_old_jobs(service, days_kept)
    if job is None:
        raise ValueError(f"{action.value} needs a job")
    if action is JobAction.CANCEL:
        return commands.cancel_job(service, job)
    if action is JobAction.RETRY:
        return commands.retry_job(service, job)
    if action is JobAction.DELETE:
        return commands.delete_job(service, job)
    raise ValueError(f"{action.value} is not a command")


def told(action: JobAction, outcome: Outcome) -> Told:
    """How an outcome is told: deletions and clearing in the log; a refused cancel or
    retry in the log and a note; a stop asked of a worker in a note. Other changes reach
    the log through the feed, once, like changes made by any other process."""
    if action is JobAction.DELETE:
        return Told(log=(outcome.text, "yellow" if outcome.refused else ""))
    if action is JobAction.CLEAR_OLD:
        return Told(log=(outcome.text, ""))
    if outcome.refused:
        return Told(log=(outcome.text, "yellow"), note=(outcome.text, "warning"))
    if outcome.job is not None and outcome.job.status is JobStatus.RUNNING:
        return Told(note=(outcome.text, "information"))
    return Told()
