"""Benchmark a worker on many small books: are both cores kept busy?

Makes 20 small books (3-6 MP3 files of 1-3 minutes each; a few 22.05 kHz mono, and a few
made with `lame` or `sox` where installed), once, in a cache folder. Each round queues them
all in a fresh data dir (through the checkout's JobService, in a process of its own),
then runs a real `aiom4b worker --once` until the queue is empty, and reports:

- the wall time from the worker's start to its exit;
- the CPU time of the worker and every process it started (the rusage of its children
  waited for, taken around the worker alone);
- the ratio wall / (CPU / cores): 1.0 means no core ever idled;
- where the cores idled: the worker's process tree is sampled from /proc every 0.1 s
  (CPU used, ffmpeg processes alive), and laid beside the books' start and end times
  from the database and the stage times from their logs.

The worker runs un-niced (AIOM4B_WORKER_NICE=0) with its default settings unless
`--books` / `--jobs` are given. `--checkout PATH` runs another checkout's code (e.g. the
main branch, for a before/after). Rows are appended to bench/RESULTS.md (`--no-record`:
not).

The parts: many_books_make.py makes the books, many_books_round.py queues them (through
many_books_queue.py) and runs and measures the worker (many_books_sampler.py watches its
process tree), many_books_report.py lays out the idle time, the timeline and the rows.

    python bench/many_books_bench.py                          # 20 books, 3 rounds
    python bench/many_books_bench.py --checkout /work/main    # the same with main's code
    python bench/many_books_bench.py --ffmpeg /opt/ffmpeg51/ffmpeg --rounds 1 --timeline
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from many_books_make import available_tools, book_specs, make_books
from many_books_report import (
    ffmpeg_version,
    git_name,
    idle_parts,
    load,
    record,
    row,
    stage_means,
    timeline,
)
from many_books_round import run_round

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="books (default 20)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--books", type=int, help="the worker's --books (books at once)")
    parser.add_argument("--jobs", type=int, help="the worker's --jobs (ffmpeg processes)")
    parser.add_argument("--ffmpeg", help="for the sources and the worker (default: bundled)")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="whose code runs")
    parser.add_argument("--cache", type=Path, help="where the books are kept between runs")
    parser.add_argument("--timeline", action="store_true", help="print each round's timeline")
    parser.add_argument("--step", type=float, default=1.0, help="timeline step, seconds")
    parser.add_argument("--keep", action="store_true", help="keep the rounds' folders")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()
    if not args.ffmpeg:
        sys.path.insert(0, str(ROOT))
        from aiom4b_tui.engine.ffmpeg.run import find_ffmpeg

        args.ffmpeg = find_ffmpeg()
    args.cores = os.cpu_count() or 1
    args.version = ffmpeg_version(args.ffmpeg)
    tools = available_tools()
    specs = book_specs(args.count, tools)
    cache = args.cache or Path(tempfile.gettempdir()) / "aiom4b-many-books"
    started = time.monotonic()
    folders = make_books(args.ffmpeg, cache, specs)
    checkout = args.checkout.resolve()
    name = git_name(checkout)
    minutes = sum(sum(s.minutes) for s in specs)
    print(
        f"{len(specs)} books, {minutes:g} min of audio (made by ffmpeg"
        f"{''.join(', ' + t for t in sorted(tools))}; ready in {time.monotonic() - started:.0f} s)"
        f"; ffmpeg {args.version}; code of {checkout} ({name})",
        flush=True,
    )
    root = Path(tempfile.mkdtemp(prefix="aiom4b-many-books-"))
    rows = []
    try:
        for k in range(1, args.rounds + 1):
            before = load()
            r = run_round(args, checkout, folders, root / f"round{k}")
            rows.append(row(args, name, k, r, (before, load())))
            idle = idle_parts(r)
            print(
                f"round {k}: {r.wall:.1f} s wall, {r.cpu:.1f} CPU-s (worker's Python "
                f"{r.python_cpu:.1f}), ratio {r.ratio:.3f}; idle core-s: start "
                f"{idle['start']:.1f}, while books ran {idle['books']:.1f}, end "
                f"{idle['end']:.1f}; load {before} -> {load()}",
                flush=True,
            )
            print("  " + stage_means(r), flush=True)
            if args.timeline:
                print("\n".join("  " + line for line in timeline(r, args.step)), flush=True)
        if not args.no_record:
            record(args, rows, specs)
        print("\n".join(rows))
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
