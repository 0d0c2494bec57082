"""Carry out a BookPlan: one exact, gapless, chaptered, tagged .m4b, placed safely.

The caller's ConvertTask (convert_task.py) goes through every stage. Work happens in
`<output dir>/.aiom4b-work-<work name>/` (work/folder.py): the book's audio is encoded in
segments on every pool slot and put into an MP4 as it comes (encode/routes.py; AAC
sources of one format are joined without re-encoding: encode/copy_route.py); the .m4b is
written with its timing, chapters, tags and cover (book_file.py), checked
(result_check.py), and only then moved into place (placing.py).

The work folder outlives an interruption: its manifest (work/ledger.py) lets the next
call resume from the finished segments. On cancel it is kept; on failure it is removed;
on success it is removed unless the task keeps it (`keep_work`, then the manifest
records where the result was placed, and a later call returns that path at once).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from aiom4b_tui.engine.book_file import write_book_file
from aiom4b_tui.engine.chapters.edit import Silence
from aiom4b_tui.engine.chapters.files import ChapterFileError
from aiom4b_tui.engine.chapters.plan import chosen_files
from aiom4b_tui.engine.chapters.silence import detect_silences
from aiom4b_tui.engine.convert_task import ConvertTask, LogFn
from aiom4b_tui.engine.encode.chapter_starts import chapter_starts
from aiom4b_tui.engine.encode.copy_route import join_copy
from aiom4b_tui.engine.encode.encoded import EncodeJob
from aiom4b_tui.engine.encode.routes import encode_gapless
from aiom4b_tui.engine.encode.segment_encoder import segment_rolls
from aiom4b_tui.engine.failures import ConversionError, describe_failure
from aiom4b_tui.engine.ffmpeg.run import FFmpegNotFoundError, ffmpeg_encoders
from aiom4b_tui.engine.placing import place_result
from aiom4b_tui.engine.plan.plan import BookPlan
from aiom4b_tui.engine.plan.scanned_book import plan_scanned_book
from aiom4b_tui.engine.progress import ConvertProgress, ProgressMeter
from aiom4b_tui.engine.result_check import check_result
from aiom4b_tui.engine.sources.scan import AudioFile, BookScan, scan_book
from aiom4b_tui.engine.work import file_modes
from aiom4b_tui.engine.work.folder import drop_scratch, remove_work_dirs
from aiom4b_tui.engine.work.ledger import ResumeMismatch, WorkLedger, open_work
from aiom4b_tui.engine.work.manifest import plan_fingerprint
from aiom4b_tui.safe_text import visible

if TYPE_CHECKING:
    from aiom4b_tui.job_options.model import JobOptions

AUDIO_SHARE = 0.97  # of the progress: the audio; the mux, tags and check make the rest


async def convert_folders(
    folders: Sequence[Path], options: JobOptions, task: ConvertTask, *, output_dir: Path
) -> Path:
    """Scan the folders (in a thread), plan the book, convert it; return the result's path.

    `output_dir` is where the book goes unless the options name a folder."""
    # Asking ffmpeg for its encoders is a process start (0.1 CPU-s for a Debian ffmpeg):
    # it runs while the folders are scanned.
    scan, encoders = await asyncio.gather(
        asyncio.to_thread(scan_book, [Path(f) for f in folders], ffmpeg=task.ffmpeg),
        asyncio.to_thread(ffmpeg_encoders, task.ffmpeg),
    )
    log_skipped(scan, task.log)
    silences = None
    if options.chapters_by_silence or options.max_chapter_minutes:
        files = chosen_files(scan.files, options.files)
        silences = await book_silences(files, options, task)
    try:
        plan, notes = await asyncio.to_thread(
            partial(plan_scanned_book, output_dir=output_dir, encoders=encoders, silences=silences),
            scan,
            options,
        )
    except ChapterFileError as exc:
        raise ConversionError(str(exc)) from exc
    for note in notes:
        task.log(note)
    check_encoder(plan, encoders, task.ffmpeg)
    return await convert_book(plan, task)


def log_skipped(scan: BookScan, log: LogFn) -> None:
    """One log line for each file of the folders that is not in the book, and why."""
    for path, why in scan.skipped:
        log(f"skipped {path.name}: {why}")


async def book_silences(
    files: Sequence[AudioFile], options: JobOptions, task: ConvertTask
) -> list[Silence]:
    """The silences of the book's files, as the job's options define one (logged),
    found on the task's pool."""
    silences = await detect_silences(
        [f.path for f in files],
        ffmpeg=task.ffmpeg,
        pool=task.pool,
        noise_db=options.silence_db,
        min_seconds=options.silence_seconds,
    )
    task.log(f"{len(silences)} silences of {options.silence_seconds:g} s or more")
    return silences


def check_encoder(plan: BookPlan, encoders: Collection[str], ffmpeg: str) -> None:
    """A book to encode with an encoder this ffmpeg lacks fails before any work."""
    if encoders and not plan.copy and plan.encoder.codec not in encoders:
        raise ConversionError(f"this ffmpeg has no {plan.encoder.codec} encoder: {ffmpeg}")


async def convert_book(plan: BookPlan, task: ConvertTask) -> Path:
    """Make the planned .m4b; return where it was placed (raises ConversionError).

    Resumes from the work folder's finished segments when they fit the plan. Cancel keeps
    the work folder, a failure removes it; success removes it unless `task.keep_work`.
    """
    output_dir = plan.output_folder
    work = task.work_dir(output_dir)
    started = time.monotonic()
    try:
        placed = await _make_and_place(task, plan, work)
    except asyncio.CancelledError:
        # The work folder stays for the next run to resume; decoded PCM (up to ~1 GB)
        # is of no use to it (what the stopped encodes wrote is: they keep it).
        await asyncio.shield(asyncio.to_thread(drop_scratch, work))
        raise
    except BaseException as exc:
        await asyncio.shield(asyncio.to_thread(remove_work_dirs, output_dir, task.work_name))
        if isinstance(exc, ConversionError | FFmpegNotFoundError):
            raise
        if isinstance(exc, Exception):
            raise ConversionError(describe_failure(exc, output_dir).reason) from exc
        raise
    if not task.keep_work:
        await asyncio.to_thread(remove_work_dirs, output_dir, task.work_name)
    task.log(f"done in {time.monotonic() - started:.1f} s: {placed}")
    task.report(ConvertProgress(1.0, None, 0.0, "done"))
    return placed


async def _make_and_place(task: ConvertTask, plan: BookPlan, work: Path) -> Path:
    """Open the work folder (resume or start over), convert, place the result.

    Should the finished work turn out not to fit after all (a source decodes to another
    length than recorded), it starts over once, from nothing.
    """
    fingerprint = plan_fingerprint(plan, task.ffmpeg, segment_rolls(plan.encoder.sample_rate))
    for fresh in (False, True):
        ledger = await asyncio.to_thread(_open_work, work, plan, fingerprint, task.log, fresh)
        if isinstance(ledger, Path):
            task.log(f"already made: {visible(str(ledger))}")
            return ledger
        try:
            result = await _make_from_unchanged_sources(task, plan, ledger)
        except ResumeMismatch as exc:
            if not ledger.resumed:
                raise ConversionError(f"the encoded audio does not fit the plan: {exc}") from exc
            task.log(f"starting over: {exc}")
            continue
        if plan.overwrite and plan.output_path.exists():
            task.log(f"replacing {visible(str(plan.output_path))}: the job asks to overwrite it")
        placed = await asyncio.to_thread(
            place_result, result, plan.output_path, overwrite=plan.overwrite
        )
        if placed != plan.output_path:
            task.log(f"{visible(plan.output_path.name)} exists: named {visible(placed.name)}")
        if task.keep_work:
            await ledger.mark_placed(placed)
        return placed
    raise AssertionError("unreachable: the second attempt starts afresh")


def _open_work(
    work: Path, plan: BookPlan, fingerprint: dict, log: LogFn, fresh: bool
) -> WorkLedger | Path:
    try:
        file_modes.make_dirs(work.parent)
        if not work.is_dir():
            file_modes.make_dir(work)
        return open_work(work, plan, fingerprint, log, fresh=fresh)
    except OSError as exc:
        raise ConversionError(
            f"cannot write in the output folder {work.parent}: {exc.strerror or exc}"
        ) from exc


async def _make_from_unchanged_sources(
    task: ConvertTask, plan: BookPlan, ledger: WorkLedger
) -> Path:
    """Convert; a source that changed meanwhile fails the run, and is named."""
    try:
        result = await _make_book(task, plan, ledger)
    except (ResumeMismatch, asyncio.CancelledError):
        raise
    except Exception as exc:
        if why := await asyncio.to_thread(ledger.changed_sources):
            raise ConversionError(why) from exc
        raise
    if why := await asyncio.to_thread(ledger.changed_sources):
        raise ConversionError(why)
    return result


async def _make_book(task: ConvertTask, plan: BookPlan, ledger: WorkLedger) -> Path:
    """Make the book's audio in the ledger's work folder, write the .m4b and check it."""

    def emit(fraction: float, speed: float | None) -> None:
        book_done = fraction * AUDIO_SHARE
        eta = (plan.duration * (1 - book_done)) / speed if speed else None
        task.report(ConvertProgress(book_done, speed, eta, "encoding"))

    meter = ProgressMeter(plan.duration, emit)
    meter.preload({start: done.seconds for start, done in ledger.pieces.items()})
    task.log(f"{plan.title}: {len(plan.files)} files, {_what_is_done(plan)}")
    job = EncodeJob(task, plan, ledger, meter)
    book = await (join_copy(job) if plan.copy else encode_gapless(job))
    task.report(ConvertProgress(AUDIO_SHARE, None, None, "tagging"))
    encoded_at = time.monotonic()
    starts = chapter_starts(plan, book)
    result = await write_book_file(task, plan, book, starts, ledger.work)
    await asyncio.to_thread(check_result, result, book, starts)
    task.log(
        f"audio ready in {encoded_at - meter.started:.1f} s; "
        f"muxed, tagged and checked in {time.monotonic() - encoded_at:.1f} s"
    )
    return result


def _what_is_done(plan: BookPlan) -> str:
    """ "joining (no re-encoding)", or "encoding aac 64k 44100 Hz stereo"."""
    if plan.copy:
        return "joining (no re-encoding)"
    enc = plan.encoder
    layout = "mono" if enc.channels == 1 else "stereo"
    return f"encoding {enc.codec} {enc.bitrate // 1000}k {enc.sample_rate} Hz {layout}"
