"""How quickly the TUI answers: run by hand on a quiet machine, `python bench/tui_bench.py`.

Prints, for an 80x24 headless terminal:
  1. start to first screen (empty database),
  2. start to a usable table with 10,000 jobs in the database,
  3. key response while two books convert in a worker process (a detached
     `aiom4b worker`, started as the TUI starts it; the TUI itself runs no ffmpeg):
     p50, p99 and the worst over at least 200 keys (goal: p99 <= 100 ms).

`--keys 20 --minutes 0.5` is a quick check that the script runs, not a measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import imageio_ffmpeg

from aiom4b_tui.core.db import open_database
from aiom4b_tui.core.jobs import JobService
from aiom4b_tui.core.models import JobCreate, JobDB, JobStatus
from aiom4b_tui.core.settings import load_settings
from aiom4b_tui.core.worker_control import ensure_worker, lock_holder
from aiom4b_tui.core.worker_registry import WorkerRegistry

SIZE = (80, 24)
# Moves that repaint: the table's cursor, the panes, the tree (on the library pane).
KEY_CYCLE = ["down", "down", "up", "l", "down", "up", "l", "up", "tab", "tab"]
KEY_GAP = 0.05  # seconds between keys: a person typing fast


def make_library(root: Path, books: int, minutes: float) -> list[Path]:
    """`books` folders, each one MP3 of `minutes` of sine tone."""
    folders = []
    for n in range(books):
        folder = root / f"Book {n + 1}"
        folder.mkdir(parents=True)
        tone = f"sine=frequency={300 + n * 100}:duration={minutes * 60}:sample_rate=22050"
        output = str(folder / "01.mp3")
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", tone]
        subprocess.run([*command, "-ac", "1", "-b:a", "32k", output], check=True)
        folders.append(folder)
    return folders


def insert_jobs(service: JobService, count: int) -> None:
    """`count` finished jobs, written in one transaction."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        JobDB(
            id=UUID(int=n + 1),
            status=JobStatus.COMPLETED,
            input_folders=json.dumps([f"/books/Book {n:05d}"]),
            title=f"Book {n:05d}",
            output_file=f"/out/Book {n:05d}.m4b",
            progress=1.0,
            created_at=base + timedelta(minutes=n),
            updated_at=base + timedelta(minutes=n),
        )
        for n in range(count)
    ]
    with service.db.write_session() as session:
        session.add_all(rows)
        session.commit()


async def until(pilot, condition, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError
        await pilot.pause(0.01)


async def time_to_first_screen(data_dir: Path, library: Path, jobs: int) -> float:
    """Seconds from building the app to a drawn screen with its table usable."""
    from aiom4b_tui.ui.app import create_app

    settings = load_settings(data_dir, library_dir=library)
    start = time.perf_counter()
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.main_screen.jobs.table.row_count >= min(jobs, 1))
        return time.perf_counter() - start


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank)."""
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def key_times(data_dir: Path, root: Path, keys: int, minutes: float) -> tuple[list, str]:
    """Key response times while a worker process converts two books."""
    from aiom4b_tui.ui.app import create_app

    library = root / "convert"
    folders = make_library(library, 2, minutes)
    settings = load_settings(data_dir, library_dir=library, books_at_once=2)
    service = JobService(open_database(data_dir))
    for folder in folders:
        service.create_job(JobCreate(input_folders=[folder], title=folder.name))
    pid = ensure_worker(data_dir)  # what the TUI does when jobs wait
    app = create_app(settings, library, start_worker=False)
    times: list[float] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            running = lambda: service.count_by_status().get(JobStatus.RUNNING, 0)  # noqa: E731
            await until(pilot, lambda: running() == 2, timeout=120)
            app.main_screen.jobs.table.focus()
            for n in range(keys):
                start = time.perf_counter()
                await pilot.press(KEY_CYCLE[n % len(KEY_CYCLE)])
                times.append(time.perf_counter() - start)
                await pilot.pause(KEY_GAP)
            still = running()
    finally:
        await asyncio.to_thread(stop_workers, service, data_dir)
    return sorted(times), f"worker pid {pid}; {still} of 2 books still converting at the end"


def stop_workers(service: JobService, data_dir: Path, timeout: float = 60.0) -> None:
    """Ask the data dir's workers to stop and wait for the lock to be let go."""
    WorkerRegistry(service.db).request_stop()
    deadline = time.monotonic() + timeout
    while lock_holder(data_dir) is not None and time.monotonic() < deadline:
        time.sleep(0.2)


async def main(keys: int, minutes: float) -> None:
    os.environ.setdefault("AIOM4B_WORKER_IDLE_EXIT", "5")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        library = root / "library"
        library.mkdir()
        first = await time_to_first_screen(root / "empty", library, 0)
        service = JobService(open_database(root / "many"))
        insert_jobs(service, 10_000)
        many = await time_to_first_screen(root / "many", library, 10_000)
        times, how = await key_times(root / "busy", root, keys, minutes)
    ms = [t * 1000 for t in times]
    print(f"start to first screen:                 {first * 1000:7.0f} ms")
    print(f"start to usable table, 10,000 jobs:    {many * 1000:7.0f} ms")
    print(f"key response, 2 books in a worker, {len(ms)} keys ({how}):")
    p50, p99 = percentile(ms, 0.50), percentile(ms, 0.99)
    print(f"  p50 {p50:5.0f} ms   p99 {p99:5.0f} ms   worst {ms[-1]:5.0f} ms   (goal: p99 <= 100)")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=240, help="keys to press (default 240)")
    parser.add_argument(
        "--minutes", type=float, default=60.0, help="length of each book (default 60)"
    )
    args = parser.parse_args()
    if args.keys < 200:
        print(f"note: {args.keys} keys is a check that the bench runs, not a measurement")
    return args


if __name__ == "__main__":
    arguments = parse_args()
    asyncio.run(main(arguments.keys, arguments.minutes))
