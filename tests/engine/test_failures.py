"""One way to tell a failure: inside a conversion (what it means there), and as the
worker records a failed job (a reason, and ffmpeg's lines or a bug's traceback)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.timeline import DecodeError
from aiom4b_tui.engine.failures import (
    ENGINE_ERRORS,
    STDERR_LINES,
    TRACEBACK_LINES,
    ConversionError,
    Failure,
    describe_failure,
)
from aiom4b_tui.engine.ffmpeg.run import FFmpegError, FFmpegNotFoundError
from aiom4b_tui.engine.formats.adts import ADTSError
from aiom4b_tui.engine.sources.scan import ScanError

OUT = Path("/books/out")


def inside(exc: BaseException) -> str:
    return describe_failure(exc, OUT).reason


def test_inside_a_conversion_os_errors_say_what_they_mean_there():
    assert inside(OSError(errno.ENOSPC, "No space left on device")) == (
        "the disk is full (writing in /books/out)"
    )
    stderr_said_so = FFmpegError("encoding segment 2 failed: No space left on device", returncode=1)
    assert inside(stderr_said_so) == "the disk is full (writing in /books/out)"
    denied = PermissionError(errno.EACCES, "Permission denied", "/books/out/x.m4b")
    assert inside(denied) == "permission denied: /books/out/x.m4b"
    assert inside(PermissionError("no")) == "permission denied: no"
    gone = FileNotFoundError(errno.ENOENT, "No such file or directory", "/books/a.mp3")
    assert inside(gone) == "No such file or directory (/books/a.mp3)"
    assert inside(OSError("odd")) == "odd"


def test_inside_a_conversion_other_errors_keep_their_words():
    assert inside(DecodeError(Path("a.mp3"), "a.mp3 cannot be read")) == "a.mp3 cannot be read"
    assert inside(FFmpegError("writing the .m4b failed", returncode=1)) == (
        "writing the .m4b failed"
    )
    assert inside(ADTSError("no ADTS sync word at byte 7")) == (
        "the encoded audio is malformed: no ADTS sync word at byte 7"
    )
    assert inside(KeyError("tracks")) == "KeyError: 'tracks'"


def test_the_engines_errors_and_the_os_give_one_line_and_ffmpegs_last_lines():
    stderr = "\n".join(f"line {n}" for n in range(20))
    cause = FFmpegError("encoding segment 3 failed", returncode=1, stderr_tail=stderr)
    try:
        raise ConversionError("encoding segment 3 failed:\n  bad   input") from cause
    except ConversionError as exc:
        failure = describe_failure(exc)
    assert failure == Failure(
        "encoding segment 3 failed: bad input",
        [f"ffmpeg: line {n}" for n in range(20 - STDERR_LINES, 20)],
    )
    assert describe_failure(OSError(28, "No space")) == ("[Errno 28] No space", [])
    assert describe_failure(ScanError("")).reason == "ScanError"  # no message: its type
    assert set(ENGINE_ERRORS) == {
        ScanError,
        DecodeError,
        ConversionError,
        FFmpegNotFoundError,
        FFmpegError,
    }


def test_anything_else_is_a_bug_told_with_its_traceback():
    def look_up() -> None:
        raise KeyError("tracks")

    try:
        look_up()
    except KeyError as exc:
        reason, details = describe_failure(exc)
    assert reason == "internal error: KeyError: 'tracks'"
    assert 0 < len(details) <= TRACEBACK_LINES
    assert details[-1] == "KeyError: 'tracks'"
    assert any("look_up" in line for line in details)


@pytest.mark.parametrize("output_dir", [None, OUT])
def test_a_failure_is_a_reason_and_lines(output_dir):
    reason, details = describe_failure(FFmpegError("x failed", returncode=1), output_dir)
    assert reason == "x failed" and details == []
