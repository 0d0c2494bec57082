"""What the queue runner announces: `RunnerEvent`, one thing that happened to a job (its
status, its progress, a log line), told after it is in the database; and the progress
text it carries."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from aiom4b_tui.store.jobs import ProgressReport
from aiom4b_tui.store.models import JobStatus


@dataclass(frozen=True)
class RunnerEvent:
    """Something that happened to a job, announced after it is in the database.

    kind: "status" (message: the new status's line), "progress" or "log".
    """

    job_id: UUID
    title: str
    kind: str
    message: str
    status: JobStatus | None = None  # for kind "status": the status entered
    progress: float | None = None  # for kind "progress": the fraction done

    @classmethod
    def status_entered(
        cls, job_id: UUID, title: str, status: JobStatus, message: str
    ) -> RunnerEvent:
        """The job entered `status`; `message` is the line its log got for it."""
        return cls(job_id, title, "status", message, status)

    @classmethod
    def log_line(cls, job_id: UUID, title: str, message: str) -> RunnerEvent:
        """A line was added to the job's log."""
        return cls(job_id, title, "log", message)

    @classmethod
    def progress_made(cls, job_id: UUID, title: str, report: ProgressReport) -> RunnerEvent:
        """The job's progress was written: "42% 140× eta 30s"."""
        return cls(job_id, title, "progress", progress_text(report), progress=report.fraction)


def progress_text(report: ProgressReport) -> str:
    """How far a job is, as the runner announces it: "42% 140× eta 30s"."""
    parts = [f"{report.fraction:.0%}"]
    if report.speed:
        parts.append(f"{report.speed:.0f}×")
    if report.eta_seconds is not None:
        parts.append(f"eta {report.eta_seconds:.0f}s")
    return " ".join(parts)
