"""Benchmark resuming: a book SIGKILLed at 70 % against an uninterrupted run (run by hand).

Makes a book of MP3s (12 x 10 min by default, as bench/convert_bench.py does), converts it
once in a process of its own, uninterrupted; then again, SIGKILLs that process once its
progress reaches `--kill-at`, and starts a new one on the same work folder. Prints the
time from the kill to completion divided by the uninterrupted time (goal: at most 0.4).

    python bench/resume_bench.py                      # 12 x 10 min, killed at 70 %
    python bench/resume_bench.py --files 3 --minutes 0.5 --segment-seconds 5   # a quick check
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from convert_bench import make_book

from aiom4b_tui.engine.convert import convert_folders
from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool, find_ffmpeg
from aiom4b_tui.job_options.model import JobOptions

WORK_NAME = "bench"


async def child(folder: str, out: str, slots: int, seconds: float | None) -> None:
    """The conversion itself: log lines and `progress F` lines on stdout."""
    task = ConvertTask(
        ffmpeg=find_ffmpeg(),
        pool=FFmpegPool(slots),
        work_name=WORK_NAME,
        on_log=lambda line: print(line, flush=True),
        on_progress=lambda p: print(f"progress {p.fraction:.4f}", flush=True),
        segment_seconds=seconds,
    )
    await convert_folders([Path(folder)], JobOptions(), task, output_dir=Path(out))


def start(folder: Path, out: Path, args: argparse.Namespace) -> subprocess.Popen[str]:
    """A child process converting `folder` into `out`."""
    cmd = [sys.executable, __file__, "--child", str(folder), str(out), "--slots", str(args.slots)]
    if args.segment_seconds:
        cmd += ["--segment-seconds", str(args.segment_seconds)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def uninterrupted(folder: Path, out: Path, args: argparse.Namespace) -> float:
    """Seconds one whole conversion takes."""
    began = time.monotonic()
    proc = start(folder, out, args)
    output, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"the uninterrupted run failed:\n{output}")
    return time.monotonic() - began


def killed_at(folder: Path, out: Path, args: argparse.Namespace) -> float:
    """Start a conversion, SIGKILL it at `args.kill_at`; return the moment of the kill."""
    proc = start(folder, out, args)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("progress ") and float(line.split()[1]) >= args.kill_at:
            proc.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            proc.wait()
            return killed
    raise SystemExit("the conversion ended before it reached the kill point")


def resumed(folder: Path, out: Path, args: argparse.Namespace) -> list[str]:
    """Run the conversion again on the killed run's work folder; its log lines."""
    proc = start(folder, out, args)
    output, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"the resumed run failed:\n{output}")
    return output.splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--kill-at", type=float, default=0.7, help="progress fraction")
    parser.add_argument("--slots", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--segment-seconds", type=float, default=None, help="force (quick runs)")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(*args.child, args.slots, args.segment_seconds))
        return
    ffmpeg = find_ffmpeg()
    root = Path(tempfile.mkdtemp(prefix="aiom4b-resume-bench-"))
    try:
        folder = root / "book"
        print(f"making {args.files} x {args.minutes} min of MP3 …", flush=True)
        make_book(ffmpeg, folder, args.files, args.minutes, "mp3")
        whole = uninterrupted(folder, root / "whole", args)
        print(f"uninterrupted: {whole:.1f} s", flush=True)
        killed = killed_at(folder, root / "again", args)
        lines = resumed(folder, root / "again", args)
        after = time.monotonic() - killed
        print(next((ln for ln in lines if ln.startswith(("resuming", "starting over"))), "?"))
        print(f"killed at {args.kill_at:.0%}: {after:.1f} s from the kill to completion")
        print(f"ratio: {after / whole:.2f} (goal: at most 0.4)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
