"""Find the silences of a book's sources with ffmpeg's `silencedetect`, every source on
its own pool slot. The silences then place chapters (edit.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from aiom4b_tui.engine.chapters.edit import Silence
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool, run_ffmpeg
from aiom4b_tui.engine.task_groups import all_or_nothing

_START = re.compile(r"silence_start:\s*(-?[\d.]+)")
_END = re.compile(r"silence_end:\s*(-?[\d.]+)")


def parse_silencedetect(stderr: str) -> list[tuple[float, float]]:
    """(start, end) of each silence silencedetect reported (one still open at the end of
    the input is left out: nothing follows it)."""
    found: list[tuple[float, float]] = []
    start: float | None = None
    for line in stderr.splitlines():
        if m := _START.search(line):
            start = max(0.0, float(m.group(1)))
        elif (m := _END.search(line)) and start is not None:
            found.append((start, float(m.group(1))))
            start = None
    return found


async def detect_silences(
    paths: Sequence[Path],
    *,
    ffmpeg: str,
    pool: FFmpegPool,
    noise_db: float = -35.0,
    min_seconds: float = 1.5,
) -> list[Silence]:
    """Every silence of at least `min_seconds` below `noise_db` dBFS, in every source."""
    detector = f"silencedetect=noise={noise_db}dB:d={min_seconds}"

    async def one(index: int) -> list[Silence]:
        args = ["-v", "info", "-i", f"file:{Path(paths[index]).absolute()}"]
        args += ["-map", "0:a:0", "-af", detector, "-f", "null", "-"]
        async with pool.slot() as cpus:
            stderr = await run_ffmpeg(
                ffmpeg, args, cpus=cpus, what=f"finding silences in {paths[index]}"
            )
        return [Silence(index, a, b) for a, b in parse_silencedetect(stderr)]

    found = await all_or_nothing(one(i) for i in range(len(paths)))
    return [s for per_file in found for s in per_file]
