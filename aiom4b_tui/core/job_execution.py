"""What the runner hands a job to: `JobRun`, the executor type, the default executor
(scan + plan + convert with the engine), and turning failures into a reason for a person."""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiom4b_tui.core.models import JobDB, JobOptions
from aiom4b_tui.core.settings import Settings

TRACEBACK_LINES = 8
STDERR_LINES = 12


@dataclass
class JobRun:
    """One job to carry out, with the means to report on it."""

    job: JobDB
    settings: Settings
    pool: Any  # the engine's FFmpegPool, shared by every book of a runner
    work_name: str
    report_progress: Callable[[float, float | None, float | None], None]
    log: Callable[[str], None]


Executor = Callable[[JobRun], Awaitable[Path]]
"""Carries out a JobRun and returns the finished book's path; raises on failure."""


def effective_options(job: JobDB, settings: Settings) -> JobOptions:
    """The job's options with the settings' defaults filled in (output folder, bitrate)."""
    options = job.job_options()
    updates: dict[str, Any] = {}
    if options.output_dir is None:
        updates["output_dir"] = settings.resolved_output_dir()
    if options.bitrate is None and settings.bitrate is not None:
        updates["bitrate"] = settings.bitrate
    return options.model_copy(update=updates) if updates else options


async def convert_job(run: JobRun) -> Path:
    """The default executor: scan the job's folders, plan the book, convert it."""
    import asyncio

    from aiom4b_tui.core.convert import ConvertProgress, convert_book
    from aiom4b_tui.core.ffmpeg import ffmpeg_encoders, find_ffmpeg
    from aiom4b_tui.core.plan import make_plan
    from aiom4b_tui.core.scan import scan_book

    options = effective_options(run.job, run.settings)
    assert options.output_dir is not None
    ffmpeg = find_ffmpeg(run.settings.ffmpeg)
    book = await asyncio.to_thread(scan_book, run.job.folders(), ffmpeg=ffmpeg)
    for path, why in book.skipped:
        run.log(f"skipped {path}: {why}")
    encoders = await asyncio.to_thread(ffmpeg_encoders, ffmpeg)
    plan = make_plan(book, options, output_dir=options.output_dir, encoders=encoders)

    def on_progress(progress: ConvertProgress) -> None:
        run.report_progress(progress.fraction, progress.speed, progress.eta_seconds)

    return await convert_book(
        plan,
        ffmpeg=ffmpeg,
        pool=run.pool,
        work_name=run.work_name,
        on_progress=on_progress,
        on_log=run.log,
    )


def make_pool(settings: Settings, size: int | None = None) -> Any:
    """The engine's FFmpegPool of `size` (default: settings.ffmpeg_processes) processes."""
    from aiom4b_tui.core.ffmpeg import FFmpegPool

    return FFmpegPool(size or settings.ffmpeg_processes)


def _engine_error_types() -> tuple[type[BaseException], ...]:
    """The engine's errors that mean "this book cannot be made", not "a bug"."""
    found: list[type[BaseException]] = []
    for module, names in (
        ("aiom4b_tui.core.scan", ("ScanError",)),
        ("aiom4b_tui.core.convert", ("ConversionError",)),
        ("aiom4b_tui.core.ffmpeg", ("FFmpegNotFoundError", "FFmpegError")),
    ):
        try:
            imported = __import__(module, fromlist=list(names))
        except ImportError:
            continue
        found.extend(getattr(imported, name) for name in names if hasattr(imported, name))
    return tuple(found)


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
    if isinstance(exc, (*_engine_error_types(), OSError)):
        tail = _stderr_tail(exc).strip().splitlines()[-STDERR_LINES:]
        return message, [f"ffmpeg: {line}" for line in tail]
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    tail = "".join(lines).rstrip().splitlines()[-TRACEBACK_LINES:]
    return f"internal error: {type(exc).__name__}: {message}", tail
