"""What went wrong, told to a person: `ConversionError`, the engine's errors that mean
"this book cannot be made" (not "a bug"), and `describe_failure`, which both the
conversion (every error inside it becomes a ConversionError with a reason) and the worker
(a failed job's reason and the lines kept under it) use."""

from __future__ import annotations

import errno
import traceback
from pathlib import Path
from typing import NamedTuple

from aiom4b_tui.engine.encode.timeline import DecodeError
from aiom4b_tui.engine.ffmpeg.run import FFmpegError, FFmpegNotFoundError
from aiom4b_tui.engine.formats.adts import ADTSError
from aiom4b_tui.engine.sources.scan import ScanError

TRACEBACK_LINES = 8
STDERR_LINES = 12


class ConversionError(RuntimeError):
    """A conversion that failed; the message is fit for a person and names the file."""


# The engine's errors that mean "this book cannot be made", not "a bug".
ENGINE_ERRORS: tuple[type[BaseException], ...] = (
    ScanError,
    DecodeError,
    ConversionError,
    FFmpegNotFoundError,
    FFmpegError,
)


class Failure(NamedTuple):
    """A failure told: one line of reason, and the lines worth keeping under it."""

    reason: str
    details: list[str]


def describe_failure(exc: BaseException, output_dir: Path | None = None) -> Failure:
    """A person's reason for `exc`, and the lines worth keeping under it.

    Inside a conversion (`output_dir`: the folder it writes in), any error is told as what
    it means there: a full disk, a refused permission, malformed encoded audio, else its
    type and message. Elsewhere (the worker's view of a job that failed), the engine's
    errors and the OS's give their message, one line, and ffmpeg's last error lines;
    anything else is a bug: its type, message and the last lines of its traceback.
    """
    if output_dir is not None:
        return Failure(_reason_in_conversion(exc, output_dir), _ffmpeg_lines(exc))
    message = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, (*ENGINE_ERRORS, OSError)):
        return Failure(message, _ffmpeg_lines(exc))
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    tail = "".join(lines).rstrip().splitlines()[-TRACEBACK_LINES:]
    return Failure(f"internal error: {type(exc).__name__}: {message}", tail)


def _reason_in_conversion(exc: BaseException, output_dir: Path) -> str:
    text = str(exc)
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left" in text:
        return f"the disk is full (writing in {output_dir})"
    if isinstance(exc, DecodeError | FFmpegError):
        return text
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename or text}"
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or text}{where}"
    if isinstance(exc, ADTSError):
        return f"the encoded audio is malformed: {text}"
    return f"{type(exc).__name__}: {text}"


def _ffmpeg_lines(exc: BaseException) -> list[str]:
    """ffmpeg's last error lines, carried by the exception or one it came from."""
    seen: BaseException | None = exc
    while seen is not None:
        if tail := str(getattr(seen, "stderr_tail", "") or ""):
            return [f"ffmpeg: {line}" for line in tail.strip().splitlines()[-STDERR_LINES:]]
        seen = seen.__cause__
    return []
