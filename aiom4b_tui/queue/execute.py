"""What the runner hands a job to: `JobRun`, the executor type, the default executor
(plan_for_job, then the engine's convert_book, with the job's ConvertTask built from the
JobRun), and the runner's ffmpeg pool. A failure is told by the engine's
describe_failure (engine/failures.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.config.settings import Settings
from aiom4b_tui.engine.chapters.files import ChapterFileError
from aiom4b_tui.engine.convert import book_silences, check_encoder, convert_book, log_skipped
from aiom4b_tui.engine.convert_task import ConvertTask, ProgressFn
from aiom4b_tui.engine.failures import ConversionError
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool, find_ffmpeg
from aiom4b_tui.engine.progress import ConvertProgress
from aiom4b_tui.queue.ffmpeg_slots import BookPool
from aiom4b_tui.queue.planning import plan_for_job
from aiom4b_tui.store.models import JobDB


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
    task = convert_task(run)
    try:
        planned = await asyncio.to_thread(
            plan_for_job, run.job.folders(), run.job.job_options(), run.settings
        )
        log_skipped(planned.scan, task.log)
        if planned.wants_silences:
            silences = await book_silences(planned.plan.files, planned.options, task)
            planned = await asyncio.to_thread(planned.with_silences, silences)
    except ChapterFileError as exc:
        raise ConversionError(str(exc)) from exc
    for note in planned.notes:
        task.log(note)
    check_encoder(planned.plan, planned.encoders, task.ffmpeg)
    return await convert_book(planned.plan, task)


def convert_task(run: JobRun) -> ConvertTask:
    """The engine's task for a job run: the settings' ffmpeg on the runner's pool, the
    job's work folder kept once the book is placed, progress and log lines to the run."""
    return ConvertTask(
        ffmpeg=find_ffmpeg(run.settings.ffmpeg),
        pool=run.pool,
        work_name=run.work_name,
        on_progress=progress_reporter(run),
        on_log=run.log,
        keep_work=True,
    )


def progress_reporter(run: JobRun) -> ProgressFn:
    """The engine's progress as the run takes it: fraction, speed and ETA to
    `report_progress` each time, and each new stage once to `note_stage`."""
    stage = ""

    def on_progress(progress: ConvertProgress) -> None:
        nonlocal stage
        run.report_progress(progress.fraction, progress.speed, progress.eta_seconds)
        if progress.stage != stage:
            stage = progress.stage
            if run.note_stage is not None:
                run.note_stage(stage)

    return on_progress


def make_pool(settings: Settings, size: int | None = None) -> FFmpegPool:
    """The runner's pool of `size` (default: settings.ffmpeg_processes) ffmpeg processes,
    its slots going to the oldest book first (queue/ffmpeg_slots.py)."""
    return BookPool(size or settings.ffmpeg_processes)
