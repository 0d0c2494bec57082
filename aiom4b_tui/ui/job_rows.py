"""How one job reads as a row of the queue table: its columns and the text of each cell.

Pure functions of a `JobDB` and the time now, so the table can compare a row's new cells
with its old ones and repaint only those that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.text import Text

from aiom4b_tui.core.models import JobDB, JobStatus
from aiom4b_tui.ui import formatting


@dataclass(frozen=True)
class Column:
    """A column of the queue table: its key, heading and width in cells."""

    key: str
    label: str
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("status", "Status", 11),
    Column("title", "Title", 24),
    Column("progress", "Progress", 13),
    Column("speed", "Speed", 5),
    Column("eta", "ETA", 5),
    Column("elapsed", "Time", 5),
    Column("output", "Output", 30),
)

STATUS_SYMBOLS: dict[JobStatus, tuple[str, str, str]] = {
    # status: (symbol, word, style). The symbol and word carry the meaning; colour adds.
    JobStatus.RUNNING: ("●", "running", "bold yellow"),
    JobStatus.QUEUED: ("◌", "queued", "cyan"),
    JobStatus.COMPLETED: ("✔", "done", "green"),
    JobStatus.FAILED: ("✖", "failed", "bold red"),
    JobStatus.CANCELLED: ("⊘", "cancelled", "magenta"),
}

Cells = tuple[Text, ...]


def status_text(job: JobDB) -> Text:
    """`● running`, with colour; `● stopping` once a cancel has been asked for."""
    symbol, word, style = STATUS_SYMBOLS[job.status]
    if job.status is JobStatus.RUNNING and job.cancel_requested:
        word = "stopping"
    return Text(f"{symbol} {word}", style=style)


def display_title(job: JobDB) -> str:
    """The job's title, else the name of its first folder."""
    if job.title:
        return job.title
    try:
        folders = job.folders()
    except ValueError:
        folders = []
    return folders[0].name if folders else str(job.id)[:8]


def elapsed_seconds(job: JobDB, now: datetime) -> float | None:
    """Seconds the job has run: to its end, or to `now` while it runs."""
    if job.start_time is None:
        return None
    end = job.end_time or (now if job.status is JobStatus.RUNNING else None)
    return (end - job.start_time).total_seconds() if end else None


def last_log_line(job: JobDB) -> str:
    """The last non-empty line of the job's log (a failed job's reason)."""
    lines = [line for line in (job.log or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def progress_text(job: JobDB) -> Text:
    """A bar while running; nothing while queued; the outcome otherwise."""
    if job.status is JobStatus.RUNNING:
        return Text(formatting.progress_bar(job.progress), style="yellow")
    if job.status is JobStatus.COMPLETED:
        return Text(formatting.progress_bar(1.0), style="green")
    return Text("")


def output_text(job: JobDB) -> Text:
    """The output file's name when done; the reason when failed."""
    if job.status is JobStatus.FAILED:
        return Text(last_log_line(job), style="red")
    if job.output_file:
        return Text(f"→ {Path(job.output_file).name}")
    return Text("")


def job_cells(job: JobDB, now: datetime) -> Cells:
    """Every cell of a job's row, in the order of `COLUMNS`."""
    running = job.status is JobStatus.RUNNING
    title_width = COLUMNS[1].width
    return (
        status_text(job),
        Text(formatting.ellipsize(display_title(job), title_width)),
        progress_text(job),
        Text(formatting.speed(job.speed) if running else "", style="dim"),
        Text(formatting.clock_time(job.eta_seconds) if running else "", style="dim"),
        Text(formatting.clock_time(elapsed_seconds(job, now))),
        output_text(job),
    )


def matches_text(job: JobDB, needle: str) -> bool:
    """True when `needle` is in the job's title, folders or output (case-insensitive)."""
    needle = needle.casefold()
    haystack = " ".join(
        part for part in (job.title, job.input_folders, job.output_file) if part
    ).casefold()
    return needle in haystack
