"""Small helpers shared by the engine's integration tests: a conversion on the real
ffmpeg, one in a process of its own, an encode route's job, and the ffmpeg children."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from mutagen.mp4 import MP4

from aiom4b_tui.engine.convert import convert_folders
from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.encode.encoded import EncodeJob
from aiom4b_tui.engine.encode.segment_encoder import segment_rolls
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.plan.plan import BookPlan, make_plan
from aiom4b_tui.engine.progress import ProgressMeter
from aiom4b_tui.engine.sources.scan import scan_book
from aiom4b_tui.engine.work.ledger import WorkLedger, open_work
from aiom4b_tui.engine.work.manifest import plan_fingerprint
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers import HELPERS, ROOT


async def convert(
    folders,
    out: Path,
    ffmpeg: str,
    *,
    options: JobOptions | None = None,
    segment_seconds: float | None = None,
    logs: list[str] | None = None,
    progress: list | None = None,
    on_log=None,
    on_progress=None,
    slots: int = 2,
    work_name: str = "t",
    keep_work: bool = False,
) -> Path:
    """Convert folders with the real ffmpeg on a pool of `slots` (two by default).

    Log lines and progress events go to the `logs`/`progress` lists, or to the callbacks.
    """
    task = ConvertTask(
        ffmpeg=ffmpeg,
        pool=FFmpegPool(slots),
        work_name=work_name,
        on_progress=progress.append if progress is not None else on_progress,
        on_log=logs.append if logs is not None else on_log,
        segment_seconds=segment_seconds,
        keep_work=keep_work,
    )
    folders = [Path(f) for f in folders]
    return await convert_folders(folders, options or JobOptions(), task, output_dir=out)


def plan_of(book: Path, out: Path, options: JobOptions | None = None) -> BookPlan:
    """The plan of the folder `book` (scanned with the real probes), placed in `out`."""
    return make_plan(scan_book([book]), options or JobOptions(), output_dir=out)


def encode_job(
    plan: BookPlan,
    work: Path,
    ffmpeg: str,
    *,
    slots: int = 2,
    segment_seconds: float | None = None,
    logs: list[str] | None = None,
) -> EncodeJob:
    """What convert hands an encode route: `plan` in a fresh work folder `work` (its
    ledger opened as convert opens it), on a pool of `slots`, log lines to `logs`."""
    work.mkdir(parents=True, exist_ok=True)
    log = logs.append if logs is not None else (lambda _line: None)
    fingerprint = plan_fingerprint(plan, ffmpeg, segment_rolls(plan.encoder.sample_rate))
    ledger = open_work(work, plan, fingerprint, log)
    assert isinstance(ledger, WorkLedger)
    task = ConvertTask(ffmpeg, FFmpegPool(slots), "t", on_log=log, segment_seconds=segment_seconds)
    return EncodeJob(task, plan, ledger, ProgressMeter(plan.duration, lambda _f, _s: None))


def start_convert_child(
    book: Path, out: Path, work_name: str, segment_seconds: float, slots: int
) -> subprocess.Popen[str]:
    """A conversion in a process of its own (tests/helpers/convert_child.py), on this
    checkout's code, for a test to SIGKILL mid-book; its log lines on stdout."""
    args = [str(book), str(out), work_name, str(segment_seconds), str(slots)]
    return subprocess.Popen(
        [sys.executable, str(HELPERS / "convert_child.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def chapters_of(path: Path) -> list[tuple[float, str]]:
    """(start seconds, title) of each chapter, as mutagen reads them."""
    return [(c.start, c.title) for c in MP4(path).chapters]


def ffmpeg_children() -> list[int]:
    """Pids of ffmpeg processes whose parent is this test process."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == me and b"ffmpeg" in cmdline:
            found.append(int(entry.name))
    return found


async def wait_for_ffmpeg_children(timeout: float = 30.0) -> list[int]:
    """Poll until this process has an ffmpeg child; [] if none appeared in time.

    One look is not enough: between two segments, or while an exited child waits to be
    reaped (its cmdline is then empty), a busy job briefly has no ffmpeg to see.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if found := ffmpeg_children():
            return found
        await asyncio.sleep(0.02)
    return []


async def cancel_ends_every_ffmpeg(task: asyncio.Future, within: float = 10.0) -> None:
    """Cancel `task`; it must end in CancelledError within `within` seconds, leaving no
    ffmpeg child of this process behind.

    The bound catches a stop that hangs, not a slow one: on a busy machine, where a
    stopped encoder cannot be lifted out of SCHED_IDLE (not root), it takes a second or
    two to end (measured in the note of `lift_out_of_background`)."""
    started = time.monotonic()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("the task ended without being cancelled")
    assert time.monotonic() - started < within
    assert ffmpeg_children() == []
