"""A job's work folder as the queue sees it: its name (`.aiom4b-work-<job id hex>`, the
engine makes it in the job's output folder), the marker every process working on the job
carries in its command line, and its removal once the job's end is recorded (or the job
is deleted).

The folder is kept while a job is stopped or handed back: the next run resumes from its
finished segments, or records the book it had already placed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.config.settings import Settings
from aiom4b_tui.engine.work.folder import remove_work_dirs
from aiom4b_tui.store.models import JobDB

WorkRemover = Callable[[Path, str], None]
"""remove_work_dirs(output_dir, work_name): deletes a job's temporary work folders."""


def work_name(job: JobDB) -> str:
    """The name the engine gives a job's work folder (after its prefix): its id in hex."""
    return job.id.hex


def work_marker(job: JobDB) -> str:
    """What the command line of every process working on `job` contains: its work
    folder's name (the engine's WORK_PREFIX, then the work name)."""
    return f".aiom4b-work-{work_name(job)}"


def job_output_dir(job: JobDB, settings: Settings) -> Path:
    """Where a job's result (and so its work folder) goes."""
    return job.job_options().output_dir or settings.resolved_output_dir()


@dataclass(frozen=True)
class WorkFolders:
    """The work folders of one runner's jobs: where they are, and how they go."""

    settings: Settings
    remove_dirs: WorkRemover = remove_work_dirs

    def remove(self, job: JobDB) -> None:
        """Remove the work folder of `job` (given with this host's paths)."""
        self.remove_dirs(job_output_dir(job, self.settings), work_name(job))


def discard_work(job: JobDB, settings: Settings) -> None:
    """Remove the work folder a stopped job kept for its resume (when the job is deleted)."""
    WorkFolders(settings).remove(job)
