"""What the runner hands a job to: `JobRun`, the executor type, the default executor
(the engine's convert_folders: scan + plan + convert), the runner's ffmpeg pool, and
failures made into reasons."""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiom4b_tui.core.convert import ConversionError, ConvertProgress, convert_folders
from aiom4b_tui.core.ffmpeg import FFmpegError, FFmpegNotFoundError, FFmpegPool, find_ffmpeg
from aiom4b_tui.core.models import JobDB, JobOptions
from aiom4b_tui.core.queue_pool import BookPool
from aiom4b_tui.core.scan import ScanError
from aiom4b_tui.core.settings import Settings
from aiom4b_tui.core.timeline import DecodeError

TRACEBACK_LINES = 8
STDERR_LINES = 12


@dataclass
class JobRun:
    """One job to carry out, with the means to report on it."""

    job: JobDB
    settings: Settings
    pool: FFmpegPool  # shared by every book of a runner
    work_name: str
    report_progress: Callable[[float, float | None, float | None], None]
    log: Callable[[str], None]
    # Called with the engine's stage as it changes ("encoding", "tagging": the audio is
    # made and only the mux, tags and check are left, "done").
    note_stage: Callable[[str], None] | None = None


Executor = Callable[[JobRun], Awaitable[Path]]
"""Carries out a JobRun and returns the finished book's path; raises on failure."""


def effective_options(job: JobDB, settings: Settings) -> JobOptions:
    """The job's options with the settings' defaults filled in (output folder, bitrate)."""
    return options_with_defaults(job.job_options(), settings)


def options_with_defaults(options: JobOptions, settings: Settings) -> JobOptions:
    """`options` with the settings' defaults filled in (output folder, bitrate): what the
    worker converts with, and so what the add dialog's preview must plan with."""
    updates: dict[str, Any] = {}
    if options.output_dir is None:
        updates["output_dir"] = settings.resolved_output_dir()
    if options.bitrate is None and settings.bitrate is not None:
        updates["bitrate"] = settings.bitrate
    return options.model_copy(update=updates) if updates else options


async def convert_job(run: JobRun) -> Path:
    """The default executor: scan the job's folders, plan the book, convert it.

    The work folder is kept when the job is stopped (it resumes from its finished
    segments) and once the book is placed (the runner removes it after recording the
    end, so a crash in between finds the placed book rather than making it twice).
    """
    options = effective_options(run.job, run.settings)
    assert options.output_dir is not None
    ffmpeg = find_ffmpeg(run.settings.ffmpeg)

    stage = ""

    def on_progress(progress: ConvertProgress) -> None:
        nonlocal stage
        run.report_progress(progress.fraction, progress.speed, progress.eta_seconds)
        if progress.stage != stage:
            stage = progress.stage
            if run.note_stage is not None:
                run.note_stage(stage)

    return await convert_folders(
        run.job.folders(),
        options,
        output_dir=options.output_dir,
        ffmpeg=ffmpeg,
        pool=run.pool,
        work_name=run.work_name,
        on_progress=on_progress,
        on_log=run.log,
        keep_work=True,
    )


def make_pool(settings: Settings, size: int | None = None) -> FFmpegPool:
    """The runner's pool of `size` (default: settings.ffmpeg_processes) ffmpeg processes,
    its slots going to the oldest book first (core/queue_pool.py)."""
    return BookPool(size or settings.ffmpeg_processes)


# The engine's errors that mean "this book cannot be made", not "a bug".
ENGINE_ERRORS: tuple[type[BaseException], ...] = (
    ScanError,
    DecodeError,
    ConversionError,
    FFmpegNotFoundError,
    FFmpegError,
)


def _stderr_tail(exc: BaseException) -> str:
    """ffmpeg's error output carried by the exception or the one it came from."""
    seen: BaseException | None = exc
    while seen is not None:
        tail = getattr(seen, "stderr_tail", "")
        if tail:
            return str(tail)
        seen = seen.__cause__
    return ""


def describe_failure(exc: BaseException) -> tuple[str, list[str]]:
    """A one-line reason for the log and the lines worth keeping under it.

    Engine errors and OS errors give their message and ffmpeg's error output; anything
    else is a bug: its type, message and the last lines of the traceback.
    """
    message = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, (*ENGINE_ERRORS, OSError)):
        tail = _stderr_tail(exc).strip().splitlines()[-STDERR_LINES:]
        return message, [f"ffmpeg: {line}" for line in tail]
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    tail = "".join(lines).rstrip().splitlines()[-TRACEBACK_LINES:]
    return f"internal error: {type(exc).__name__}: {message}", tail
