"""One book's conversion as its caller hands it over: `ConvertTask`.

The caller (the worker's executor, a test, a bench) builds it once; every stage reads it:
convert plans and places the book with it, the encode routes and the segment encoder run
ffmpeg on its pool, log through it and cut segments by it. It holds the means of the
conversion and where its news goes, not the book itself: what to make is the plan (as
in beets' importer, where a task travels through the stages and each reads what it needs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.progress import ConvertProgress
from aiom4b_tui.engine.work.folder import work_dir_for

ProgressFn = Callable[[ConvertProgress], None]
LogFn = Callable[[str], None]


@dataclass(frozen=True)
class ConvertTask:
    """The ffmpeg and the pool a book is made with, the name of its work folder, where
    its progress and log lines go, and two choices: `segment_seconds` forces one segment
    length (tests cut short books into many pieces); `keep_work` keeps the work folder
    once the book is placed (its manifest then records where, and a later call returns
    that path at once: the worker removes the folder after recording the end)."""

    ffmpeg: str
    pool: FFmpegPool
    work_name: str
    on_progress: ProgressFn | None = None
    on_log: LogFn | None = None
    segment_seconds: float | None = None
    keep_work: bool = False

    def log(self, line: str) -> None:
        """A line for the job's log (dropped when nobody listens)."""
        if self.on_log is not None:
            self.on_log(line)

    def report(self, progress: ConvertProgress) -> None:
        """Tell the caller where the conversion is (if it asked)."""
        if self.on_progress is not None:
            self.on_progress(progress)

    def work_dir(self, output_dir: Path) -> Path:
        """This conversion's work folder, beside a book placed in `output_dir`."""
        return work_dir_for(output_dir, self.work_name)
