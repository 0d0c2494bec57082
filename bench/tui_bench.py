"""How quickly the TUI answers: run by hand, `python bench/tui_bench.py`.

Prints, for an 80x24 headless terminal:
  1. start to first screen (empty database),
  2. start to a usable table with 10,000 jobs in the database,
  3. the slowest key response while two books convert.
For 3 the app's own queue converts two generated books when the queue is installed;
until then two ffmpeg encodes load the CPU and two threads write progress to the database
several times a second, as a runner would.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import imageio_ffmpeg

from aiom4b_tui.core.db import open_database
from aiom4b_tui.core.jobs import JobService
from aiom4b_tui.core.models import JobCreate, JobDB, JobStatus, JobUpdate
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


class FakeLoad:
    """Two ffmpeg encodes and two progress writers, for when no queue runner is installed."""

    def __init__(self, service: JobService, library: list[Path]) -> None:
        self.service = service
        self.library = library
        self.stop = threading.Event()
        self.processes: list[subprocess.Popen] = []
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        for folder in self.library:
            job = self.service.create_job(JobCreate(input_folders=[folder]))
            self.service.update_job(job.id, JobUpdate(status=JobStatus.RUNNING))
            self.processes.append(
                subprocess.Popen(
                    [
                        imageio_ffmpeg.get_ffmpeg_exe(),
                        "-v",
                        "error",
                        "-y",
                        "-i",
                        str(folder / "01.mp3"),
                        "-c:a",
                        "aac",
                        "-f",
                        "null",
                        "-",
                    ]
                )
            )
            thread = threading.Thread(target=self._write_progress, args=(job.id,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _write_progress(self, job_id: UUID) -> None:
        progress = 0.0
        while not self.stop.wait(0.2):
            progress = min(progress + 0.002, 1.0)
            self.service.update_job(
                job_id, JobUpdate(progress=progress, speed=120.0, eta_seconds=300.0)
            )

    def finish(self) -> None:
        self.stop.set()
        for process in self.processes:
            process.kill()
            process.wait()


async def slowest_key(data_dir: Path, root: Path) -> tuple[float, str]:
    """The slowest of a run of key presses while two books convert, and how they converted."""
    from aiom4b_tui.ui.app import create_app
    from aiom4b_tui.ui.runner_host import queue_runner_class

    folders = make_library(root / "convert")
    settings = load_settings(data_dir, library_dir=root / "convert")
    service = JobService(open_database(data_dir))
    real_queue = queue_runner_class() is not None
    load = None
    if real_queue:
        for folder in folders:
            service.create_job(JobCreate(input_folders=[folder]))
    else:
        load = FakeLoad(service, folders)
        load.start()
    app = create_app(settings, root / "convert", run_queue=real_queue)
    times: list[float] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "2 running" in _counts(app), timeout=60)
            for key in KEYS:
                start = time.perf_counter()
                await pilot.press(key)
                times.append(time.perf_counter() - start)
                await pilot.pause(0.1)
    finally:
        await asyncio.to_thread(app.runner.stop, requeue=True)
        if load:
            load.finish()
    how = "the app's queue converting" if real_queue else "simulated: 2 ffmpeg + progress writers"
    times.sort()
    return times[-1], f"median {times[len(times) // 2] * 1000:.0f} ms; {how}"


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
