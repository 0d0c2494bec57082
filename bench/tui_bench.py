"""How quickly the TUI answers: run by hand on a quiet machine, `python bench/tui_bench.py`.

Prints, for an 80x24 headless terminal:
  1. start to first screen (empty database),
  2. start to a usable table with 10,000 jobs in the database,
  3. key response while two books convert in a worker process (a detached
     `aiom4b worker`, started as the TUI starts it; the TUI itself runs no ffmpeg):
     p50, p90, p99 and the worst over at least 200 keys (goal: p99 <= 100 ms).

Key response is what a person feels: each key is sent from a thread, as a terminal's
input thread sends it, and timed from then to the end of the first screen update after
its action ran (the update rendered to terminal bytes, as a real terminal gets them).
With `--idle`, a second column keeps the earlier measure: the same key until the app is
idle again (`pilot.press`'s wait; it slows the keys down). Keys start once both books
run and stop if one of them ends, so every key is timed while both convert; the event
loop's lag is sampled meanwhile. `--worker-nice 0,10` alternates the worker's nice,
`--encoder-priority background,normal` the policy its ffmpeg run at.

`--keys 20 --minutes 2` is a quick check that the script runs, not a measurement.
`--profile FILE` writes a pyinstrument profile of the event loop's thread during the
keys; `--slow-callbacks` lists the loop's steps that took over 50 ms (asyncio debug).
"""

from __future__ import annotations

import argparse
import asyncio
import faulthandler
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import imageio_ffmpeg

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.queue.control.lock import lock_holder
from aiom4b_tui.queue.control.spawn import ensure_worker
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobDB, JobStatus
from aiom4b_tui.store.workers import WorkerRegistry

SIZE = (80, 24)
# Moves that repaint: the table's cursor, the panes, the tree (on the library pane).
# Over a cycle the table's cursor comes back where it was, so it never hits an end.
KEY_CYCLE = ["down", "down", "up", "l", "down", "up", "l", "up", "tab", "tab"]
KEY_CHARACTERS = {"tab": "\t"}
KEY_GAP = 0.05  # seconds between keys: a person typing fast
HISTORY = 30  # finished jobs below the two converting ones, so the cursor has room
FILES_PER_BOOK = 12
PAINT_TIMEOUT = 30.0


def make_library(root: Path, books: int, minutes: float) -> list[Path]:
    """`books` folders, each FILES_PER_BOOK MP3s of sine tone, `minutes` in all."""
    folders = []
    for n in range(books):
        folder = root / f"Book {n + 1}"
        folder.mkdir(parents=True)
        seconds = minutes * 60 / FILES_PER_BOOK
        tone = f"sine=frequency={300 + n * 100}:duration={seconds}:sample_rate=22050"
        first = folder / "01.mp3"
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", tone]
        subprocess.run([*command, "-ac", "1", "-b:a", "32k", str(first)], check=True)
        for part in range(2, FILES_PER_BOOK + 1):
            shutil.copyfile(first, folder / f"{part:02d}.mp3")
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


class KeyTimer:
    """Sends keys from a thread and times each to its repaint and to the app's idle.

    Hooks the app's `run_action` (a key's action ran) and the main screen's compositor
    refresh (an update was rendered); `_display` renders each update to the bytes a
    terminal would get, which the headless driver otherwise skips.
    """

    def __init__(self, app, *, with_idle: bool) -> None:
        self.app = app
        self.with_idle = with_idle  # also time each key to idle (slow: up to 2 s a key)
        self.loop = asyncio.get_running_loop()
        self.paint: list[float] = []
        self.paint_keys: list[str] = []  # the key of each figure in `paint`
        self._key = ""
        self.idle: list[float] = []
        self.missed = 0  # keys whose action ran but no repaint followed
        self._sent_at: float | None = None
        self._handled = False
        self._painted = threading.Event()
        self._hook()

    def _hook(self) -> None:
        app, screen = self.app, self.app.main_screen
        run_action, refresh, display = app.run_action, screen._compositor_refresh, app._display

        async def timed_action(*args, **kwargs):
            result = await run_action(*args, **kwargs)
            if self._sent_at is not None:
                self._handled = True
            return result

        def timed_refresh() -> None:
            refresh()
            if self._handled and self._sent_at is not None and not self._painted.is_set():
                self.paint.append(time.perf_counter() - self._sent_at)
                self.paint_keys.append(self._key)
                self._painted.set()

        def rendered_display(on_screen, renderable) -> None:
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            display(on_screen, renderable)

        app.run_action = timed_action
        screen._compositor_refresh = timed_refresh
        app._display = rendered_display

    async def _until_idle(self) -> float:
        from textual._wait import wait_for_idle

        await wait_for_idle(0)
        await self.app._animator.wait_until_complete()
        await wait_for_idle(0)
        return time.perf_counter()

    def send(self, keys: int, keep_going: Callable[[], bool]) -> int:
        """Press `keys` keys (KEY_GAP apart) while `keep_going()`; returns how many."""
        from textual import events

        driver = self.app._driver
        for n in range(keys):
            if not keep_going():
                return n
            key = KEY_CYCLE[n % len(KEY_CYCLE)]
            self._key = key
            self._handled = False
            self._painted.clear()
            start = time.perf_counter()
            self._sent_at = start
            event = events.Key(key, KEY_CHARACTERS.get(key, key if len(key) == 1 else None))
            event.set_sender(self.app)
            driver.send_message(event)
            idle = None
            if self.with_idle:
                idle = asyncio.run_coroutine_threadsafe(self._until_idle(), self.loop)
            if not self._painted.wait(PAINT_TIMEOUT):
                self.missed += 1
            if idle is not None:
                self.idle.append(idle.result(PAINT_TIMEOUT) - start)
            self._sent_at = None
            time.sleep(KEY_GAP)
        return keys


async def sample_lag(
    stop: asyncio.Event, lags: list[float], stalls=None, period: float = 0.01
) -> None:
    """How late the event loop wakes a sleeper, every `period` seconds; with `stalls`
    (a file), every thread's stack is written there whenever the loop stalls a second."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        if stalls is not None:  # a C watchdog: it writes even while the GIL is held
            faulthandler.dump_traceback_later(1.0, file=stalls)
        before = loop.time()
        await asyncio.sleep(period)
        lags.append(loop.time() - before - period)
    if stalls is not None:
        faulthandler.cancel_dump_traceback_later()


class SlowSteps(logging.Handler):
    """Collects asyncio debug mode's "Executing … took N seconds" warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.steps: Counter[str] = Counter()
        self.worst: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if "took" not in text:
            return
        what, _, took = text.rpartition(" took ")
        seconds = float(took.split()[0])
        key = what.split(" created at ")[0][:160]
        self.steps[key] += 1
        self.worst[key] = max(self.worst.get(key, 0.0), seconds)


class Run:
    """One key run's figures (milliseconds, sorted)."""

    def __init__(self, paint, idle, lags, how: str, missed: int, cpu: float) -> None:
        self.cpu = cpu  # the TUI process's CPU seconds per second during the keys
        self.paint = sorted(t * 1000 for t in paint)
        self.idle = sorted(t * 1000 for t in idle)
        self.lags = sorted(t * 1000 for t in lags)
        self.how = how
        self.missed = missed
        self.keys: dict[str, list[float]] = {}

    def by_key(self, paint: list[float], keys: list[str]) -> None:
        """Keep the figures of each kind of key apart too (ms, sorted)."""
        for seconds, key in zip(paint, keys, strict=True):
            self.keys.setdefault(key, []).append(seconds * 1000)
        for values in self.keys.values():
            values.sort()

    @staticmethod
    def _figures(values: list[float]) -> str:
        if not values:
            return "no keys"
        points = [percentile(values, f) for f in (0.5, 0.9, 0.99)]
        return " / ".join(f"{v:.0f}" for v in (*points, values[-1]))

    def lines(self) -> list[str]:
        return [
            f"  {len(self.paint)} keys ({self.how}); TUI process CPU {self.cpu:.0%} of a core",
            f"  key to repaint   p50/p90/p99/worst ms: {self._figures(self.paint)}",
            *(
                [f"  key to idle      p50/p90/p99/worst ms: {self._figures(self.idle)}"]
                if self.idle
                else []
            ),
            f"  event loop lag   p50/p90/p99/worst ms: {self._figures(self.lags)}",
            *(
                f"    key {key!r:7} ({len(values):3}) p50/p90/p99/worst ms: {self._figures(values)}"
                for key, values in sorted(self.keys.items())
            ),
        ]


async def key_times(
    data_dir: Path, folders: list[Path], keys: int, options: argparse.Namespace
) -> Run:
    """Key response times while a worker process converts two books."""
    from aiom4b_tui.ui.app import create_app
    from aiom4b_tui.ui.start.gc_hold import hold_collector

    library = folders[0].parent
    settings = load_settings(data_dir, library_dir=library, books_at_once=2)
    service = JobService(open_database(data_dir))
    insert_jobs(service, HISTORY)
    book_ids = [service.create_job(JobCreate(input_folders=[f], title=f.name)).id for f in folders]
    ensure_worker(data_dir)  # what the TUI does when jobs wait
    hold_collector()  # as `run_tui` does: released, and the start frozen, at the first frame
    app = create_app(settings, library, start_worker=False)
    lags: list[float] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            statuses = app.main_screen.jobs.tracker.statuses

            def converting() -> bool:
                return all(statuses.get(i) is JobStatus.RUNNING for i in book_ids)

            await until(pilot, converting, timeout=180)
            app.main_screen.jobs.table.focus()
            await pilot.pause(0.5)
            timer = KeyTimer(app, with_idle=options.idle)
            stop = asyncio.Event()
            stalls = open(options.stalls, "w") if options.stalls else None  # noqa: SIM115
            sampler = asyncio.create_task(sample_lag(stop, lags, stalls))
            profiler = slow = None
            if options.profile:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.001, async_mode="disabled")
                profiler.start()
            if options.slow_callbacks:
                slow = SlowSteps()
                logging.getLogger("asyncio").addHandler(slow)
                loop = asyncio.get_running_loop()
                loop.slow_callback_duration = 0.05
                loop.set_debug(True)
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            try:
                sent = await asyncio.to_thread(timer.send, keys, converting)
                cpu = (time.process_time() - cpu_start) / (time.perf_counter() - wall_start)
            finally:
                stop.set()
                await sampler
                if stalls is not None:
                    stalls.close()
                if profiler is not None:
                    profiler.stop()
                    Path(options.profile).write_text(profiler.output_text(show_all=False))
                if slow is not None:
                    asyncio.get_running_loop().set_debug(False)
                    print_slow_steps(slow)
            still = sum(statuses.get(i) is JobStatus.RUNNING for i in book_ids)
    finally:
        await asyncio.to_thread(stop_workers, service, data_dir)
    load = "/".join(f"{v:.1f}" for v in os.getloadavg())
    how = f"both books converting for {sent} keys, {still} of 2 at the end; load {load}"
    run = Run(timer.paint, timer.idle, lags, how, timer.missed, cpu)
    run.by_key(timer.paint, timer.paint_keys)
    return run


def print_slow_steps(slow: SlowSteps) -> None:
    print("event loop steps over 50 ms (count, worst s, step):")
    for step, count in slow.steps.most_common(15):
        print(f"  {count:4d} {slow.worst[step]:6.2f}  {step}")


def stop_workers(service: JobService, data_dir: Path, timeout: float = 60.0) -> None:
    """Ask the data dir's workers to stop and wait for the lock to be let go."""
    WorkerRegistry(service.db).request_stop()
    deadline = time.monotonic() + timeout
    while lock_holder(data_dir) is not None and time.monotonic() < deadline:
        time.sleep(0.2)


async def main(options: argparse.Namespace) -> None:
    os.environ.setdefault("AIOM4B_WORKER_IDLE_EXIT", "5")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        library = root / "library"
        library.mkdir()
        if not options.keys_only:
            first = await time_to_first_screen(root / "empty", library, 0)
            service = JobService(open_database(root / "many"))
            insert_jobs(service, 10_000)
            many = await time_to_first_screen(root / "many", library, 10_000)
            print(f"start to first screen:                 {first * 1000:7.0f} ms")
            print(f"start to usable table, 10,000 jobs:    {many * 1000:7.0f} ms")
        folders = make_library(root / "convert", 2, options.minutes)
        print("key response, 2 books in a worker (goal: p99 <= 100 ms):")
        for n in range(options.runs):
            for nice, priority in worker_variants(options):  # alternated: the load drifts
                os.environ["AIOM4B_WORKER_NICE"] = nice
                os.environ["AIOM4B_ENCODER_PRIORITY"] = priority
                busy = root / f"busy{n}-{nice}-{priority}"
                run = await key_times(busy, folders, options.keys, options)
                print(f" run {n + 1}, worker_nice {nice}, encoder_priority {priority}:", flush=True)
                print("\n".join(run.lines()), flush=True)
                if run.missed:
                    print(f"  {run.missed} keys ran an action but no repaint followed")


def worker_variants(options: argparse.Namespace) -> list[tuple[str, str]]:
    """Each (worker_nice, encoder_priority) pair to run, in the order they alternate."""
    return [
        (nice.strip(), priority.strip())
        for nice in options.worker_nice.split(",")
        for priority in options.encoder_priority.split(",")
    ]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=240, help="keys to press (default 240)")
    parser.add_argument(
        "--minutes", type=float, default=720.0, help="length of each book (default 720)"
    )
    parser.add_argument("--runs", type=int, default=1, help="key runs, each on a new queue")
    parser.add_argument(
        "--worker-nice", default="0", help="the worker's nice; several (0,10) alternate"
    )
    parser.add_argument(
        "--encoder-priority",
        default="background",
        help="the worker's encoder_priority; several (background,normal) alternate",
    )
    parser.add_argument(
        "--idle", action="store_true", help="also time keys to idle (the earlier measure)"
    )
    parser.add_argument("--keys-only", action="store_true", help="skip the start-up figures")
    parser.add_argument("--profile", metavar="FILE", help="pyinstrument profile of the keys")
    parser.add_argument("--stalls", metavar="FILE", help="every thread's stack at each stall")
    parser.add_argument(
        "--slow-callbacks", action="store_true", help="list event loop steps over 50 ms"
    )
    args = parser.parse_args()
    if args.keys < 200:
        print(f"note: {args.keys} keys is a check that the bench runs, not a measurement")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
