"""One conversion in a process of its own, for tests that SIGKILL it mid-book.

    python convert_child.py FOLDER OUTPUT_DIR WORK_NAME SEGMENT_SECONDS SLOTS

Runs convert_folders with a task that keeps its work (as the queue does); prints each log line, and
`placed <path>` at the end.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aiom4b_tui.engine.convert import convert_folders
from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool, find_ffmpeg
from aiom4b_tui.job_options.model import JobOptions


async def main(folder: str, out: str, work_name: str, seconds: str, slots: str) -> None:
    task = ConvertTask(
        ffmpeg=find_ffmpeg(),
        pool=FFmpegPool(int(slots)),
        work_name=work_name,
        on_log=lambda line: print(line, flush=True),
        segment_seconds=float(seconds),
        keep_work=True,
    )
    placed = await convert_folders([Path(folder)], JobOptions(), task, output_dir=Path(out))
    print(f"placed {placed}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
