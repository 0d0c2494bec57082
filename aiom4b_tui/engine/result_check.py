"""The made book checked before it is placed: it reads back, lasts what the sources
decode to, plays exactly the planned samples, and holds every chapter where it was
planned (QuickTime; the Nero list too, up to the 255 it can hold)."""

from __future__ import annotations

import struct
from pathlib import Path

from mutagen.mp4 import MP4

from aiom4b_tui.engine.encode.encoded import EncodedBook
from aiom4b_tui.engine.failures import ConversionError
from aiom4b_tui.engine.formats.adts import FRAME
from aiom4b_tui.engine.mp4.boxes import MP4Error
from aiom4b_tui.engine.mp4.chapters import NERO_MAX_CHAPTERS, chapter_starts_in_units
from aiom4b_tui.engine.mp4.finish import book_length

DURATION_TOLERANCE = 0.050  # seconds
CHAPTER_TOLERANCE = 0.001  # seconds


def check_result(result: Path, book: EncodedBook, starts: list[int]) -> None:
    """Raise ConversionError, saying what is wrong, unless `result` is the planned book:
    readable, right length, every chapter at its start (`starts`, in output samples)."""
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
