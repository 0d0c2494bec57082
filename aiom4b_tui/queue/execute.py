"""What the runner hands a job to: `JobRun`, the executor type, the default executor
(plan_for_job, then the engine's convert_book), the runner's ffmpeg pool, and failures
made into reasons."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.config.settings import Settings
from aiom4b_tui.engine.chapters.files import ChapterFileError
from aiom4b_tui.engine.convert import (
    ConversionError,
    ConvertProgress,
    book_silences,
    check_encoder,
    convert_book,
    log_skipped,
)
from aiom4b_tui.engine.encode.timeline import DecodeError
from aiom4b_tui.engine.ffmpeg.run import FFmpegError, FFmpegNotFoundError, FFmpegPool, find_ffmpeg
from aiom4b_tui.engine.sources.scan import ScanError
from aiom4b_tui.queue.ffmpeg_slots import BookPool
from aiom4b_tui.queue.planning import plan_for_job
from aiom4b_tui.store.models import JobDB

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


async def convert_job(run: JobRun) -> Path:
    """The default executor: plan the job as every client previews it (plan_for_job),
    with the silences measured on the runner's ffmpeg slots where the job needs them,
    and convert it.

    The work folder is kept when the job is stopped (it resumes from its finished
    segments) and once the book is placed (the runner removes it after recording the
    end, so a crash in between finds the placed book rather than making it twice).
    """
    ffmpeg = find_ffmpeg(run.settings.ffmpeg)
    try:
        planned = await asyncio.to_thread(
            plan_for_job, run.job.folders(), run.job.job_options(), run.settings
        )
        log_skipped(planned.scan, run.log)
        if planned.wants_silences:
            silences = await book_silences(
                planned.plan.files, planned.options, ffmpeg=ffmpeg, pool=run.pool, log=run.log
            )
            planned = await asyncio.to_thread(planned.with_silences, silences)
    except ChapterFileError as exc:
        raise ConversionError(str(exc)) from exc
    for note in planned.notes:
        run.log(note)
    check_encoder(planned.plan, planned.encoders, ffmpeg)

    stage = ""

    def on_progress(progress: ConvertProgress) -> None:
        nonlocal stage
        run.report_progress(progress.fraction, progress.speed, progress.eta_seconds)
        if progress.stage != stage:
            stage = progress.stage
            if run.note_stage is not None:
                run.note_stage(stage)

    return await convert_book(
        planned.plan,
        ffmpeg=ffmpeg,
        pool=run.pool,
        work_name=run.work_name,
        on_progress=on_progress,
        on_log=run.log,
        keep_work=True,
    )


def make_pool(settings: Settings, size: int | None = None) -> FFmpegPool:
    """The runner's pool of `size` (default: settings.ffmpeg_processes) ffmpeg processes,
    its slots going to the oldest book first (queue/ffmpeg_slots.py)."""
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
