"""What an encode route is given (EncodeJob) and what it makes (EncodedBook)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.plan.plan import BookPlan
from aiom4b_tui.engine.progress import ProgressMeter
from aiom4b_tui.engine.work.ledger import WorkLedger

LogFn = Callable[[str], None]


@dataclass(frozen=True)
class EncodeJob:
    """One book's encode: the plan, its work folder, the ffmpeg and the pool it runs on,
    the progress meter, the log and the ledger of finished work. `segment_seconds`
    forces one segment length (tests cut short books into many pieces)."""

    plan: BookPlan
    work_dir: Path
    ffmpeg: str
    pool: FFmpegPool
    meter: ProgressMeter
    log: LogFn
    ledger: WorkLedger
    segment_seconds: float | None = None


@dataclass(frozen=True)
class EncodedBook:
    """The book's ADTS stream and where each source begins in the output (in samples).

    `adts` is an ffmpeg input relative to the work folder (a file, or the concatenated
    byte ranges of the segment files). Positions count output samples after the edit
    list has skipped `priming`.
    """

    adts: str
    file_starts: list[int]
    total: int  # samples the result should decode to (without the last frame's padding)
    priming: int
    rate: int
    mp4: Path | None = None  # the stream already in an MP4 (mp4_adts_writer), if it is


def joined_input(pieces: list[tuple[Path, int, int]]) -> str:
    """One ffmpeg input of the kept byte ranges in order (the muxer reads them directly:
    no copy)."""
    return one_input([f"subfile,,start,{a},end,{b},,:{path.name}" for path, a, b in pieces])


def one_input(urls: list[str]) -> str:
    """ffmpeg's URL reading `urls` one after another (names of ours: no escaping)."""
    return urls[0] if len(urls) == 1 else "concat:" + "|".join(urls)
