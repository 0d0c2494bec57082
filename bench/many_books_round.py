"""One round of the many-books benchmark: queue the books, run a worker, measure it."""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from many_books_sampler import Sample, TreeSampler

QUEUE_SCRIPT = Path(__file__).with_name("many_books_queue.py")


@dataclass
class BookTimes:
    """One book's outcome and times, read back from the database."""

    title: str
    status: str
    start: float
    end: float
    stages: dict[str, float]  # from its log: convert (done in), audio, tail


@dataclass
class Round:
    """What one round measured."""

    wall: float
    cpu: float
    python_cpu: float
    cores: int
    spawned: float
    exited: float
    samples: list[Sample]
    books: list[BookTimes]

    @property
    def ratio(self) -> float:
        return self.wall / (self.cpu / self.cores)


def checkout_env(checkout: Path, args: argparse.Namespace, out: Path) -> dict[str, str]:
    """The environment of the children: `checkout`'s code, the ffmpeg, un-niced."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONUNBUFFERED": "1"}
    env.update(AIOM4B_FFMPEG=args.ffmpeg, AIOM4B_OUTPUT_DIR=str(out), AIOM4B_WORKER_NICE="0")
    env.pop("AIOM4B_DATA_DIR", None)
    return env


def check_code(checkout: Path, env: dict[str, str]) -> None:
    """Stop unless a child started like the worker imports `checkout`'s code."""
    probe = [sys.executable, "-c", "import aiom4b_tui; print(aiom4b_tui.__file__)"]
    found = subprocess.run(probe, env=env, cwd=checkout, capture_output=True, text=True)
    if not found.stdout.strip().startswith(str(checkout)):
        raise SystemExit(f"the worker would not run {checkout}'s code: {found.stdout}")


def children_cpu() -> float:
    """CPU seconds of this process's children waited for so far."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def run_round(args: argparse.Namespace, checkout: Path, folders: list[Path], work: Path) -> Round:
    """Queue every book in a fresh data dir, run a worker until the queue is empty."""
    shutil.rmtree(work, ignore_errors=True)
    data, out = work / "data", work / "out"
    data.mkdir(parents=True)
    env = checkout_env(checkout, args, out)
    check_code(checkout, env)
    queue = [sys.executable, str(QUEUE_SCRIPT), str(data), *map(str, folders)]
    subprocess.run(queue, check=True, env=env, cwd=checkout)
    cmd = [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data), "worker", "--once"]
    cmd += ["--books", str(args.books)] if args.books else []
    cmd += ["--jobs", str(args.jobs)] if args.jobs else []
    before = children_cpu()
    with (work / "worker.log").open("wb") as log:
        spawned = time.time()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=checkout)
        sampler = TreeSampler(proc.pid)
        thread = sampler.start()
        code = proc.wait()
        exited = time.time()
    sampler.stop()
    thread.join()
    cpu = children_cpu() - before
    if code != 0:
        raise SystemExit(f"the worker exited with {code}; see {work / 'worker.log'}")
    books = read_books(data)
    unfinished = [b.title for b in books if b.status != "completed"]
    if unfinished or len(books) != len(folders):
        raise SystemExit(f"books not completed: {unfinished}; see {work}")
    return Round(
        exited - spawned, cpu, sampler.own_cpu, args.cores, spawned, exited, sampler.samples, books
    )


def _epoch(value: str) -> float:
    moment = datetime.datetime.fromisoformat(value)
    return moment.replace(tzinfo=moment.tzinfo or datetime.UTC).timestamp()


def _stages(log: str) -> dict[str, float]:
    """Seconds of a book's stages, from its log lines (the engine's own figures)."""
    stages: dict[str, float] = {}
    for line in log.splitlines():
        message = line.split(" ", 2)[-1]
        if message.startswith("done in "):
            stages["convert"] = float(message.split()[2])
        elif message.startswith("audio ready in "):
            words = message.replace(";", "").split()
            stages["audio"] = float(words[3])
            stages["tail"] = float(words[-2])
    return stages


def read_books(data: Path) -> list[BookTimes]:
    """Every job's title, status, start and end (epoch seconds) and stage times."""
    conn = sqlite3.connect(data / "aiom4b.db")
    try:
        rows = conn.execute(
            "SELECT title, status, start_time, end_time, log FROM jobs ORDER BY start_time"
        ).fetchall()
    finally:
        conn.close()
    return [
        BookTimes(
            title,
            str(status).lower(),
            _epoch(start) if start else 0.0,
            _epoch(end) if end else 0.0,
            _stages(log or ""),
        )
        for title, status, start, end, log in rows
    ]
