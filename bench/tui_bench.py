"""How quickly the TUI answers: run by hand, `python bench/tui_bench.py`.

Prints, for an 80x24 headless terminal:
  1. start to first screen (empty database),
  2. start to a usable table with 10,000 jobs in the database,
  3. the slowest key response while two books convert: the app's own queue converting two
     generated books with the real engine and ffmpeg.
"""

from __future__ import annotations

import asyncio
import json
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

SIZE = (80, 24)
KEYS = ["down", "up", "tab", "down", "down", "up", "tab", "down"] * 5


def make_library(root: Path, books: int = 2, minutes: float = 8.0) -> list[Path]:
    """`books` folders, each one MP3 of `minutes` of sine tone."""
    folders = []
    for n in range(books):
        folder = root / f"Book {n + 1}"
        folder.mkdir(parents=True)
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={300 + n * 100}:duration={minutes * 60}:sample_rate=22050",
                "-ac",
                "1",
                "-b:a",
                "32k",
                str(folder / "01.mp3"),
            ],
            check=True,
        )
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


async def until(pilot, condition, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError
        await pilot.pause(0.005)


async def time_to_first_screen(data_dir: Path, library: Path, jobs: int) -> float:
    """Seconds from building the app to a drawn screen with its table usable."""
    settings = load_settings(data_dir, library_dir=library)
    start = time.perf_counter()
    from aiom4b_tui.ui.app import create_app

    app = create_app(settings, library, run_queue=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.table.row_count >= min(jobs, 1))
        elapsed = time.perf_counter() - start
    return elapsed


async def slowest_key(data_dir: Path, root: Path) -> tuple[float, str]:
    """The slowest of a run of key presses while the app's queue converts two books."""
    from aiom4b_tui.ui.app import create_app

    folders = make_library(root / "convert")
    settings = load_settings(data_dir, library_dir=root / "convert")
    service = JobService(open_database(data_dir))
    for folder in folders:
        service.create_job(JobCreate(input_folders=[folder]))
    app = create_app(settings, root / "convert")
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "2 running" in _counts(app), timeout=60)
        for key in KEYS:
            start = time.perf_counter()
            await pilot.press(key)
            times.append(time.perf_counter() - start)
            await pilot.pause(0.1)
        still_running = app.runner.running_count
        await asyncio.to_thread(app.runner.stop, requeue=True)
    times.sort()
    median = times[len(times) // 2] * 1000
    return times[-1], f"median {median:.0f} ms; {still_running} books still converting at the end"


def _counts(app) -> str:
    from textual.widgets import Label

    return str(app.query_one("#counts", Label).render())


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        library = root / "library"
        library.mkdir()
        first = await time_to_first_screen(root / "empty", library, 0)
        service = JobService(open_database(root / "many"))
        insert_jobs(service, 10_000)
        many = await time_to_first_screen(root / "many", library, 10_000)
        worst, how = await slowest_key(root / "busy", root)
    print(f"start to first screen:                 {first * 1000:7.0f} ms")
    print(f"start to usable table, 10,000 jobs:    {many * 1000:7.0f} ms")
    print(f"slowest key response, 2 books running: {worst * 1000:7.0f} ms  ({how})")


if __name__ == "__main__":
    asyncio.run(main())
