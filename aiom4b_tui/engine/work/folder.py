"""The work folder of a job: `<output dir>/.aiom4b-work-<work name>/`, beside the book's
destination, and what goes when: all of it once the job has ended (or after a crash),
only the decoded PCM when the job is stopped (the finished segments let it resume)."""

from __future__ import annotations

import shutil
from pathlib import Path

WORK_PREFIX = ".aiom4b-work-"


def work_dir_for(output_dir: Path, work_name: str) -> Path:
    """The work folder of a job, beside its destination."""
    return Path(output_dir) / f"{WORK_PREFIX}{work_name}"


def remove_work_dirs(output_dir: Path, work_name: str) -> None:
    """Remove a job's work folder (after a crash, or when it ends)."""
    shutil.rmtree(work_dir_for(output_dir, work_name), ignore_errors=True)


def drop_scratch(work: Path) -> None:
    """Delete what a resumed run cannot use: decoded PCM. Unfinished encodes stay: the
    next run keeps what they wrote."""
    for path in work.glob("pcm-*.raw"):
        path.unlink(missing_ok=True)
