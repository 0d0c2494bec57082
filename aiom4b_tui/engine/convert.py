"""Carry out a BookPlan: one exact, gapless, chaptered, tagged .m4b, placed safely.

Work happens in `<output dir>/.aiom4b-work-<work_name>/`: the AAC stream (encode.py),
put into an MP4 while it is encoded (mp4_adts_writer.py; the copy path: ffmpeg `-c copy`),
whose timing, chapters and brand are written by us
(mp4_book.py: an edit list from the first to the last real sample, QuickTime and Nero
chapters), then tags and cover (mutagen). The result is checked before it is renamed
into place.

The work folder outlives an interruption: its manifest (work_ledger.py) lets the next
call resume from the finished segments. On cancel it is kept; on failure it is removed;
on success it is removed unless the caller keeps it (`keep_work`, then the manifest
records where the result was placed, and a later call returns that path at once).
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import os
import shutil
import struct
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from mutagen.mp4 import MP4

from aiom4b_tui.engine.chapters.edit import Silence
from aiom4b_tui.engine.chapters.files import ChapterFileError
from aiom4b_tui.engine.chapters.plan import chosen_files
from aiom4b_tui.engine.chapters.silence import detect_silences
from aiom4b_tui.engine.encode.chapter_starts import chapter_starts
from aiom4b_tui.engine.encode.copy_route import join_copy
from aiom4b_tui.engine.encode.encoded import EncodedBook, EncodeJob
from aiom4b_tui.engine.encode.routes import encode_gapless
from aiom4b_tui.engine.encode.segment import segment_rolls
from aiom4b_tui.engine.encode.timeline import DecodeError
from aiom4b_tui.engine.ffmpeg.run import (
    FFmpegError,
    FFmpegNotFoundError,
    FFmpegPool,
    ffmpeg_encoders,
    run_ffmpeg,
)
from aiom4b_tui.engine.formats.adts import FRAME, ADTSError
from aiom4b_tui.engine.mp4.boxes import MP4Error
from aiom4b_tui.engine.mp4.chapters import NERO_MAX_CHAPTERS, chapter_starts_in_units
from aiom4b_tui.engine.mp4.finish import book_length, finish_book, played_samples
from aiom4b_tui.engine.mp4.tags import write_mp4_tags
from aiom4b_tui.engine.plan.build import plan_scanned_book
from aiom4b_tui.engine.plan.plan import BookPlan, numbered_path
from aiom4b_tui.engine.progress import ProgressMeter
from aiom4b_tui.engine.sources.scan import AudioFile, BookScan, scan_book
from aiom4b_tui.engine.work import file_modes
from aiom4b_tui.engine.work.ledger import ResumeMismatch, WorkLedger, drop_scratch, open_work
from aiom4b_tui.engine.work.manifest import plan_fingerprint
from aiom4b_tui.safe_text import visible

if TYPE_CHECKING:
    from aiom4b_tui.job_options.model import JobOptions

WORK_PREFIX = ".aiom4b-work-"
DURATION_TOLERANCE = 0.050  # seconds
CHAPTER_TOLERANCE = 0.001  # seconds


@dataclass(frozen=True)
class ConvertProgress:
    """Where a conversion is: fraction of the whole book, speed (× real time), ETA."""

    fraction: float
    speed: float | None
    eta_seconds: float | None
    stage: str


class ConversionError(RuntimeError):
    """A conversion that failed; the message is fit for a person and names the file."""


ProgressFn = Callable[[ConvertProgress], None]
LogFn = Callable[[str], None]


def work_dir_for(output_dir: Path, work_name: str) -> Path:
    """The work folder of a job, beside its destination."""
    return Path(output_dir) / f"{WORK_PREFIX}{work_name}"


def remove_work_dirs(output_dir: Path, work_name: str) -> None:
    """Remove a job's work folder (after a crash, or when it ends)."""
    shutil.rmtree(work_dir_for(output_dir, work_name), ignore_errors=True)


async def convert_folders(
    folders: Sequence[Path],
    options: JobOptions,
    *,
    output_dir: Path,
    ffmpeg: str,
    pool: FFmpegPool,
    work_name: str,
    on_progress: ProgressFn | None = None,
    on_log: LogFn | None = None,
    segment_seconds: float | None = None,
    keep_work: bool = False,
) -> Path:
    """Scan the folders (in a thread), plan the book, convert it; return the result's path."""
    log = on_log or (lambda _msg: None)
    # Asking ffmpeg for its encoders is a process start (0.1 CPU-s for a Debian ffmpeg):
    # it runs while the folders are scanned.
    scan, encoders = await asyncio.gather(
        asyncio.to_thread(scan_book, [Path(f) for f in folders], ffmpeg=ffmpeg),
        asyncio.to_thread(ffmpeg_encoders, ffmpeg),
    )
    log_skipped(scan, log)
    silences = None
    if options.chapters_by_silence or options.max_chapter_minutes:
        files = chosen_files(scan.files, options.files)
        silences = await book_silences(files, options, ffmpeg=ffmpeg, pool=pool, log=log)
    try:
        plan, notes = await asyncio.to_thread(
            partial(plan_scanned_book, output_dir=output_dir, encoders=encoders, silences=silences),
            scan,
            options,
        )
    except ChapterFileError as exc:
        raise ConversionError(str(exc)) from exc
    for note in notes:
        log(note)
    check_encoder(plan, encoders, ffmpeg)
    return await convert_book(
        plan,
        ffmpeg=ffmpeg,
        pool=pool,
        work_name=work_name,
        on_progress=on_progress,
        on_log=on_log,
        segment_seconds=segment_seconds,
        keep_work=keep_work,
    )


def log_skipped(scan: BookScan, log: LogFn) -> None:
    """One log line for each file of the folders that is not in the book, and why."""
    for path, why in scan.skipped:
        log(f"skipped {path.name}: {why}")


async def book_silences(
    files: Sequence[AudioFile], options: JobOptions, *, ffmpeg: str, pool: FFmpegPool, log: LogFn
) -> list[Silence]:
    """The silences of the book's files, as the job's options define one (logged)."""
    silences = await detect_silences(
        [f.path for f in files],
        ffmpeg=ffmpeg,
        pool=pool,
        noise_db=options.silence_db,
        min_seconds=options.silence_seconds,
    )
    log(f"{len(silences)} silences of {options.silence_seconds:g} s or more")
    return silences


def check_encoder(plan: BookPlan, encoders: Collection[str], ffmpeg: str) -> None:
    """A book to encode with an encoder this ffmpeg lacks fails before any work."""
    if encoders and not plan.copy and plan.encoder.codec not in encoders:
        raise ConversionError(f"this ffmpeg has no {plan.encoder.codec} encoder: {ffmpeg}")


async def convert_book(
    plan: BookPlan,
    *,
    ffmpeg: str,
    pool: FFmpegPool,
    work_name: str,
    on_progress: ProgressFn | None = None,
    on_log: LogFn | None = None,
    segment_seconds: float | None = None,
    keep_work: bool = False,
) -> Path:
    """Make the planned .m4b; return where it was placed (raises ConversionError).

    Resumes from the work folder's finished segments when they fit the plan. Cancel keeps
    the work folder, a failure removes it; success removes it unless `keep_work`.
    """
    log = on_log or (lambda _msg: None)
    output_dir = plan.output_folder
    work = work_dir_for(output_dir, work_name)
    started = time.monotonic()
    try:
        placed = await _convert_resuming(
            plan, work, ffmpeg, pool, on_progress, log, segment_seconds, keep_work
        )
    except asyncio.CancelledError:
        # The work folder stays for the next run to resume; decoded PCM (up to ~1 GB)
        # is of no use to it (what the stopped encodes wrote is: they keep it).
        await asyncio.shield(asyncio.to_thread(drop_scratch, work))
        raise
    except BaseException as exc:
        await asyncio.shield(asyncio.to_thread(remove_work_dirs, output_dir, work_name))
        if isinstance(exc, ConversionError | FFmpegNotFoundError):
            raise
        if isinstance(exc, Exception):
            raise ConversionError(describe_failure(exc, output_dir)) from exc
        raise
    if not keep_work:
        await asyncio.to_thread(remove_work_dirs, output_dir, work_name)
    log(f"done in {time.monotonic() - started:.1f} s: {placed}")
    if on_progress:
        on_progress(ConvertProgress(1.0, None, 0.0, "done"))
    return placed


async def _convert_resuming(
    plan: BookPlan,
    work: Path,
    ffmpeg: str,
    pool: FFmpegPool,
    on_progress: ProgressFn | None,
    log: LogFn,
    segment_seconds: float | None,
    keep_work: bool,
) -> Path:
    """Open the work folder (resume or start over), convert, place the result.

    Should the finished work turn out not to fit after all (a source decodes to another
    length than recorded), it starts over once, from nothing.
    """
    fingerprint = plan_fingerprint(plan, ffmpeg, segment_rolls(plan.encoder.sample_rate))
    for fresh in (False, True):
        ledger = await asyncio.to_thread(_open_work, work, plan, fingerprint, log, fresh)
        if isinstance(ledger, Path):
            log(f"already made: {visible(str(ledger))}")
            return ledger
        try:
            result = await _convert_checked(
                plan, ledger, ffmpeg, pool, on_progress, log, segment_seconds
            )
        except ResumeMismatch as exc:
            if not ledger.resumed:
                raise ConversionError(f"the encoded audio does not fit the plan: {exc}") from exc
            log(f"starting over: {exc}")
            continue
        if plan.overwrite and plan.output_path.exists():
            log(f"replacing {visible(str(plan.output_path))}: the job asks to overwrite it")
        placed = await asyncio.to_thread(
            place_result, result, plan.output_path, overwrite=plan.overwrite
        )
        if placed != plan.output_path:
            log(f"{visible(plan.output_path.name)} exists: named {visible(placed.name)}")
        if keep_work:
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


async def _convert_checked(
    plan: BookPlan,
    ledger: WorkLedger,
    ffmpeg: str,
    pool: FFmpegPool,
    on_progress: ProgressFn | None,
    log: LogFn,
    segment_seconds: float | None,
) -> Path:
    """Convert; a source that changed meanwhile fails the run, and is named."""
    try:
        result = await _convert_in(plan, ledger, ffmpeg, pool, on_progress, log, segment_seconds)
    except (ResumeMismatch, asyncio.CancelledError):
        raise
    except Exception as exc:
        if why := await asyncio.to_thread(ledger.changed_sources):
            raise ConversionError(why) from exc
        raise
    if why := await asyncio.to_thread(ledger.changed_sources):
        raise ConversionError(why)
    return result


async def _convert_in(
    plan: BookPlan,
    ledger: WorkLedger,
    ffmpeg: str,
    pool: FFmpegPool,
    on_progress: ProgressFn | None,
    log: LogFn,
    segment_seconds: float | None,
) -> Path:
    enc = plan.encoder

    def emit(fraction: float, speed: float | None) -> None:
        if on_progress:
            book_done = fraction * 0.97
            eta = (plan.duration * (1 - book_done)) / speed if speed else None
            on_progress(ConvertProgress(book_done, speed, eta, "encoding"))

    work = ledger.work
    meter = ProgressMeter(plan.duration, emit)
    meter.preload({start: done.seconds for start, done in ledger.pieces.items()})
    how = (
        "joining (no re-encoding)"
        if plan.copy
        else (
            f"encoding {enc.codec} {enc.bitrate // 1000}k {enc.sample_rate} Hz "
            f"{'mono' if enc.channels == 1 else 'stereo'}"
        )
    )
    log(f"{plan.title}: {len(plan.files)} files, {how}")
    job = EncodeJob(plan, work, ffmpeg, pool, meter, log, ledger, segment_seconds)
    if plan.copy:
        book = await join_copy(job)
        book = await asyncio.to_thread(trim_copied_tail, plan, book)
    else:
        book = await encode_gapless(job)
    if on_progress:
        on_progress(ConvertProgress(0.97, None, None, "tagging"))
    encoded_at = time.monotonic()
    starts = chapter_starts(plan, book)
    result = work / "book.m4b"
    if book.mp4 is not None:  # written while the segments encoded (mp4_adts_writer)
        await _mux(ffmpeg, book, plan, starts, work, result, None)
    else:
        async with pool.slot() as cpus:  # one core: its threads hand packets on, not across
            await _mux(ffmpeg, book, plan, starts, work, result, cpus)
    cover = await asyncio.to_thread(cover_bytes, plan, work)
    await asyncio.to_thread(write_mp4_tags, result, plan.tags, cover)
    await asyncio.to_thread(verify_result, result, book, plan, starts)
    log(
        f"audio ready in {encoded_at - meter.started:.1f} s; "
        f"muxed, tagged and checked in {time.monotonic() - encoded_at:.1f} s"
    )
    return result


def trim_copied_tail(plan: BookPlan, book: EncodedBook) -> EncodedBook:
    """A joined (copy path) book ends where its last source's audio ends, as that
    source's own edit list says, not after its last frame's padding."""
    last = played_samples(plan.files[-1].path)
    if last is None:
        return book
    end = book.file_starts[-1] + last
    return dataclasses.replace(book, total=end) if 0 < end < book.total else book


async def _mux(
    ffmpeg: str,
    book: EncodedBook,
    plan: BookPlan,
    starts: list[int],
    work: Path,
    out: Path,
    cpus: frozenset[int] | None,
) -> None:
    """Wrap the ADTS stream in MP4 (ffmpeg), then write the timing and chapters (ours)."""
    raw = book.mp4 or work / "audio.m4a"
    if book.mp4 is None:
        args = ["-f", "aac", "-i", book.adts, "-map", "0:a", "-map_metadata", "-1"]
        args += ["-map_chapters", "-1", "-c", "copy", "-f", "ipod", str(raw)]
        await run_ffmpeg(ffmpeg, args, what="writing the .m4b", cwd=work, cpus=cpus)
    titles = [c.title for c in plan.chapters]
    await asyncio.to_thread(
        finish_book,
        raw,
        out,
        titles=titles,
        starts=starts,
        total=book.total,
        priming=book.priming,
    )
    raw.unlink(missing_ok=True)


def cover_bytes(plan: BookPlan, work: Path) -> bytes | None:
    """The cover for the book (engine/plan/cover.py): the chosen or folder image, else the first
    embedded picture; over 1400 px scaled down on a copy kept in `work`, never in place."""
    from aiom4b_tui.engine.plan.cover import first_cover  # Pillow: only once a book is tagged

    return first_cover([plan.cover, plan.picture_file], work)


def verify_result(result: Path, book: EncodedBook, plan: BookPlan, starts: list[int]) -> None:
    """Check the result before it is placed: readable, right length, every chapter (the
    QuickTime ones: the Nero list holds 255 at most)."""
    try:
        mp4 = MP4(result)
    except Exception as exc:
        raise ConversionError(f"the result cannot be read back: {exc}") from exc
    # mutagen's length counts every packet; the edit list skips the priming. The last
    # packet may carry up to 1023 samples of the codec's padding (128 ms at 8 kHz).
    length = mp4.info.length - book.priming / book.rate
    expected = book.total / book.rate
    padding = (FRAME - 1) / book.rate
    if not expected - DURATION_TOLERANCE <= length <= expected + padding + DURATION_TOLERANCE:
        raise ConversionError(
            f"the result lasts {length:.3f} s where the sources decode to {expected:.3f} s"
        )
    try:
        timescale, found = chapter_starts_in_units(result)
        plays = round(book_length(result) * book.rate)
    except (MP4Error, OSError, struct.error) as exc:
        raise ConversionError(f"the result's chapters cannot be read back: {exc}") from exc
    if plays != book.total:
        raise ConversionError(f"the result plays {plays} samples, {book.total} planned")
    if len(found) != len(starts):
        raise ConversionError(f"the result has {len(found)} chapters, {len(starts)} planned")
    nero = len(mp4.chapters or [])
    if nero != (len(starts) if len(starts) <= NERO_MAX_CHAPTERS else 0):
        raise ConversionError(f"the result's Nero chapter list holds {nero} chapters")
    wanted = [0, *starts[1:]]  # the chapter track starts with the audio
    for (start, title), want in zip(found, wanted, strict=True):
        if abs(start / timescale - want / book.rate) > CHAPTER_TOLERANCE:
            raise ConversionError(f"chapter {title!r} is misplaced in the result")


def place_result(result: Path, wanted: Path, *, overwrite: bool = False) -> Path:
    """Move the result to `wanted`, or `wanted (2)`, … — never over an existing file,
    unless `overwrite` (the job asked for it). It gets the settings' file mode
    (engine/work/file_modes.py) first, whatever the umask."""
    file_modes.set_file_mode(result)
    file_modes.make_dirs(wanted.parent)
    if overwrite:
        os.replace(result, wanted)
        return wanted
    for n in range(1, 1000):
        target = numbered_path(wanted, n)
        try:
            os.link(result, target)  # fails if target exists: no race, no overwrite
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if target.exists():
                continue
            os.replace(result, target)  # file systems without hard links
            return target
        result.unlink()
        return target
    raise ConversionError(f"too many files named like {wanted}")


def describe_failure(exc: BaseException, output_dir: Path) -> str:
    """A person's message for what went wrong."""
    text = str(exc)
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left" in text:
        return f"the disk is full (writing in {output_dir})"
    if isinstance(exc, DecodeError):
        return text
    if isinstance(exc, FFmpegError):
        return text
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename or text}"
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or text}{where}"
    if isinstance(exc, ADTSError):
        return f"the encoded audio is malformed: {text}"
    return f"{type(exc).__name__}: {text}"
