"""What an encode route is given (EncodeJob) and what it makes (EncodedBook)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.plan.plan import BookPlan
from aiom4b_tui.engine.progress import ProgressMeter
from aiom4b_tui.engine.work.ledger import WorkLedger


@dataclass(frozen=True)
class EncodeJob:
    """One book's encode: the caller's task (its ffmpeg, pool, log and segment length),
    the plan, the ledger of the work folder's finished work and the progress meter."""

    task: ConvertTask
    plan: BookPlan
    ledger: WorkLedger
    meter: ProgressMeter

    @property
    def work_dir(self) -> Path:
        """The work folder the encode writes in."""
        return self.ledger.work


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
    mp4: Path | None = None  # the stream already in an MP4 (mp4/adts_writer.py), if it is


def joined_input(pieces: list[tuple[Path, int, int]]) -> str:
    """One ffmpeg input of the kept byte ranges in order (the muxer reads them directly:
    no copy)."""
    return one_input([f"subfile,,start,{a},end,{b},,:{path.name}" for path, a, b in pieces])


def one_input(urls: list[str]) -> str:
    """ffmpeg's URL reading `urls` one after another (names of ours: no escaping)."""
    return urls[0] if len(urls) == 1 else "concat:" + "|".join(urls)
