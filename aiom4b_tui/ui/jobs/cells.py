"""How one job reads as a row of the queue table: the text of each cell.

Pure functions of a `JobDB` and the time now, so the table can compare a row's new cells
with its old ones and repaint only those that changed. The two layouts (`COLUMNS`,
`HOST_COLUMNS`) are in `columns.py`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.text import Text

from aiom4b_tui.queue.control.worker_id import WorkerId
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.models import JobDB, JobStatus
from aiom4b_tui.ui.jobs.columns import COLUMNS, Column
from aiom4b_tui.ui.text import formatting

FAILED_MARK = "failed:"

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
    symbol, word, style = STATUS_SYMBOLS.get(job.status, ("?", "bad row", "bold red"))
    if job.status is JobStatus.RUNNING and job.cancel_requested:
        word = "stopping"
    return Text(f"{symbol} {word}", style=style)


def display_title(job: JobDB) -> str:
    """The job's title, else the name of its first folder; safe to show."""
    if job.title:
        return visible(job.title)
    try:
        folders = job.folders()
    except ValueError:
        folders = []
    return visible(folders[0].name) if folders else str(job.id)[:8]


def elapsed_seconds(job: JobDB, now: datetime) -> float | None:
    """Seconds the job has run: to its end, or to `now` while it runs."""
    if job.start_time is None:
        return None
    end = job.end_time or (now if job.status is JobStatus.RUNNING else None)
    return (end - job.start_time).total_seconds() if end else None


def last_log_line(job: JobDB) -> str:
    """The last non-empty line of the job's log, safe to show."""
    lines = [line for line in (job.log or "").splitlines() if line.strip()]
    return visible(lines[-1].strip()) if lines else ""


def failure_reason(job: JobDB) -> str:
    """Why a job failed, on one line: its `reason`, else (rows from before the column)
    the text after the last "failed:" in its log, else its last log line."""
    if job.reason:
        return visible(" ".join(job.reason.split()))
    for line in reversed((job.log or "").splitlines()):
        _, mark, after = line.partition(FAILED_MARK)
        if mark and after.strip():
            return visible(after.strip())
    return last_log_line(job)


def progress_text(job: JobDB) -> Text:
    """A bar while running, the output's name when done, the reason when failed."""
    if job.status is JobStatus.RUNNING:
        text = Text(formatting.progress_bar(job.progress), style="yellow")
        speed = formatting.speed(job.speed)
        eta = formatting.clock_time(job.eta_seconds)
        text.append(f" {speed:>5} {eta}".rstrip(), style="dim")
        return text
    if job.status is JobStatus.FAILED:
        return Text(failure_reason(job), style="red")
    if job.status is JobStatus.COMPLETED and job.output_file:
        return Text(f"→ {visible(Path(job.output_file).name)}", style="green")
    return Text("")


def host_of(job: JobDB) -> str:
    """The host of the worker that runs or ran the job (its `host:pid`); "" for a queued
    job or one no worker has taken."""
    if job.status is JobStatus.QUEUED:
        return ""
    worker = WorkerId.parse(job.worker)
    return visible(worker.host) if worker is not None else ""


def job_cells(job: JobDB, now: datetime, columns: tuple[Column, ...] = COLUMNS) -> Cells:
    """Every cell of a job's row, in the order of `columns`."""
    cells = []
    for column in columns:
        if column.key == "status":
            cells.append(status_text(job))
        elif column.key == "title":
            cells.append(Text(formatting.ellipsize(display_title(job), column.width)))
        elif column.key == "host":
            cells.append(Text(formatting.ellipsize(host_of(job), column.width), style="dim"))
        elif column.key == "progress":
            cells.append(progress_text(job))
        else:
            cells.append(Text(formatting.clock_time(elapsed_seconds(job, now))))
    return tuple(cells)


def matches_text(job: JobDB, needle: str) -> bool:
    """True when `needle` is in the job's title, folders or output (case-insensitive)."""
    needle = needle.casefold()
    haystack = " ".join(
        part for part in (job.title, job.input_folders, job.output_file) if part
    ).casefold()
    return needle in haystack
