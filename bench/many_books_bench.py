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

    python bench/many_books_bench.py                          # 20 books, 3 rounds
    python bench/many_books_bench.py --checkout /work/main    # the same with main's code
    python bench/many_books_bench.py --ffmpeg /opt/ffmpeg51/ffmpeg --rounds 1 --timeline
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
CACHE_VERSION = 1
SAMPLE_EVERY = 0.1
TICK = os.sysconf("SC_CLK_TCK")


# --- The books -------------------------------------------------------------------------


@dataclass(frozen=True)
class BookSpec:
    """One small book: its files' lengths and how they are made."""

    name: str
    minutes: tuple[float, ...]
    maker: str  # ffmpeg, lame (VBR), sox
    rate: int = 44100
    channels: int = 2


def book_specs(count: int, tools: set[str]) -> list[BookSpec]:
    """`count` books of 3-6 files of 1-3 minutes, the same every run."""
    specs = []
    for i in range(count):
        files = 3 + (i * 7) % 4
        minutes = tuple(1 + ((i * 2 + j * 3) % 5) / 2 for j in range(files))
        maker = "ffmpeg"
        if i % 5 == 4 and "lame" in tools:
            maker = "lame"
        elif i % 5 == 2 and "sox" in tools:
            maker = "sox"
        mono = i % 10 == 7  # a 64k mono book at 22.05 kHz, as many audiobooks are
        specs.append(
            BookSpec(f"book{i + 1:02d}", minutes, maker, 22050 if mono else 44100, 1 if mono else 2)
        )
    return specs


def available_tools() -> set[str]:
    """The MP3 makers installed besides ffmpeg: lame, and sox with MP3 support."""
    tools = set()
    if shutil.which("lame"):
        tools.add("lame")
    if shutil.which("sox"):
        probe = subprocess.run(["sox", "-h"], capture_output=True, text=True, check=False)
        if " mp3" in probe.stdout:
            tools.add("sox")
    return tools


def make_file(ffmpeg: str, spec: BookSpec, index: int, seconds: float, out: Path) -> None:
    """Speech-like audio (a tone over pink noise) as an MP3 made by the spec's maker."""
    rate, seed = spec.rate, int(spec.name[4:]) * 10 + index
    tone = f"sine=f={160 + 15 * index}:sample_rate={rate}:d={seconds}"
    noise = f"anoisesrc=color=pink:amplitude=0.15:sample_rate={rate}:d={seconds}:seed={seed}"
    layout = "mono" if spec.channels == 1 else "stereo"
    graph = f"[0:a][1:a]amix=inputs=2:normalize=0,volume=0.7,aformat=channel_layouts={layout}[a]"
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", tone, "-f", "lavfi", "-i", noise]
    cmd += ["-filter_complex", graph, "-map", "[a]"]
    if spec.maker == "ffmpeg":
        bitrate = "64k" if spec.channels == 1 else "128k"
        subprocess.run([*cmd, "-c:a", "libmp3lame", "-b:a", bitrate, str(out)], check=True)
        return
    wav = out.with_suffix(".wav")
    subprocess.run([*cmd, str(wav)], check=True)
    if spec.maker == "lame":
        subprocess.run(["lame", "--quiet", "-V", "4", str(wav), str(out)], check=True)
    else:
        subprocess.run(["sox", str(wav), "-C", "128", str(out)], check=True)
    wav.unlink()


def make_books(ffmpeg: str, cache: Path, specs: list[BookSpec]) -> list[Path]:
    """The books' folders in `cache`, made unless a previous run made the same ones."""
    marker = cache / "books.json"
    wanted = json.dumps([CACHE_VERSION, [vars(s) for s in specs]], default=list)
    folders = [cache / s.name for s in specs]
    if marker.is_file() and marker.read_text() == wanted:
        return folders
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    jobs = []
    for spec, folder in zip(specs, folders, strict=True):
        folder.mkdir()
        for j, minutes in enumerate(spec.minutes):
            jobs.append((spec, j, minutes * 60, folder / f"{j + 1:02d} part {j + 1}.mp3"))
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        list(pool.map(lambda a: make_file(ffmpeg, *a), jobs))
    marker.write_text(wanted)
    return folders


# --- Queueing (in a child running the checkout's code) ----------------------------------


def queue_child(data_dir: str, folders: list[str]) -> None:
    """Queue one job per folder through the checkout's JobService (in order)."""
    from aiom4b_tui.core.db import open_database
    from aiom4b_tui.core.jobs import JobService
    from aiom4b_tui.core.models import JobCreate
    from aiom4b_tui.core.settings import load_settings

    settings = load_settings(data_dir)
    db = open_database(settings.data_dir, url=settings.database_url)
    service = JobService(db)
    for folder in folders:
        service.create_job(JobCreate(input_folders=[Path(folder)], title=Path(folder).name))
    db.close()


# --- Sampling the worker's process tree -------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name, and the name first."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, _, rest = text.partition(" (")[2].rpartition(") ")
    return [name, *rest.split()]


@dataclass
class Sample:
    at: float  # time.time()
    cpu: float  # CPU seconds of the worker, its reaped children and its live children
    ffmpegs: int  # live ffmpeg children


@dataclass
class TreeSampler:
    """Samples the CPU of a process and its children every SAMPLE_EVERY seconds."""

    pid: int
    samples: list[Sample] = field(default_factory=list)
    own_cpu: float = 0.0  # the worker's own CPU (Python), at its last sample
    _stop: threading.Event = field(default_factory=threading.Event)
    _strangers: set[int] = field(default_factory=set)
    _children: set[int] = field(default_factory=set)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._loop, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(SAMPLE_EVERY)

    def _sample(self) -> None:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                pid = int(entry)
                if pid not in self._strangers and pid not in self._children:
                    fields = _stat(pid)
                    if fields and fields[2] == str(self.pid):
                        self._children.add(pid)
                    else:
                        self._strangers.add(pid)
        cpu = ffmpegs = 0
        for pid in list(self._children):
            fields = _stat(pid)
            if fields is None or fields[2] != str(self.pid):
                self._children.discard(pid)
                continue
            cpu += int(fields[12]) + int(fields[13])
            ffmpegs += "ffmpeg" in fields[0] and fields[1] != "Z"
        worker = _stat(self.pid)
        if worker is None:
            return
        own = int(worker[12]) + int(worker[13])
        reaped = int(worker[14]) + int(worker[15])
        self.own_cpu = own / TICK
        self.samples.append(Sample(time.time(), (cpu + own + reaped) / TICK, ffmpegs))


# --- One round --------------------------------------------------------------------------


@dataclass
class BookTimes:
    title: str
    status: str
    start: float
    end: float
    stages: dict[str, float]  # from its log: convert (done in), audio, tail


@dataclass
class Round:
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
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def run_round(args: argparse.Namespace, checkout: Path, folders: list[Path], work: Path) -> Round:
    """Queue every book in a fresh data dir, run a worker until the queue is empty."""
    shutil.rmtree(work, ignore_errors=True)
    data, out = work / "data", work / "out"
    data.mkdir(parents=True)
    env = checkout_env(checkout, args, out)
    check_code(checkout, env)
    queue = [sys.executable, __file__, "--queue-child", str(data), *map(str, folders)]
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


# --- Where the cores idled --------------------------------------------------------------


def busy_between(samples: list[Sample], a: float, b: float) -> float:
    """CPU seconds the tree used between times a and b (linear between samples)."""

    def cpu_at(t: float) -> float:
        if not samples or t <= samples[0].at:
            return samples[0].cpu if samples else 0.0
        for s0, s1 in itertools.pairwise(samples):
            if s1.at >= t:
                share = (t - s0.at) / (s1.at - s0.at) if s1.at > s0.at else 1.0
                return s0.cpu + share * (s1.cpu - s0.cpu)
        return samples[-1].cpu

    return max(0.0, cpu_at(b) - cpu_at(a))


def idle_parts(r: Round) -> dict[str, float]:
    """Idle core-seconds: before the first book started, while books ran, after."""
    first = min(b.start for b in r.books)
    last = max(b.end for b in r.books)
    parts = {}
    for name, a, b in (
        ("start", r.spawned, first),
        ("books", first, last),
        ("end", last, r.exited),
    ):
        if name == "books":
            used = r.cpu - busy_between(r.samples, r.spawned, first)
            used -= busy_between(r.samples, last, r.exited)
        else:
            used = busy_between(r.samples, a, b)
        parts[name] = max(0.0, (b - a) * r.cores - used)
    return parts


def timeline(r: Round, step: float) -> list[str]:
    """A line per `step` seconds: cores used, ffmpeg processes, books running, events."""
    lines = []
    t = r.spawned
    while t < r.exited:
        u = min(r.exited, t + step)
        used = busy_between(r.samples, t, u) / (u - t)
        inside = [s.ffmpegs for s in r.samples if t <= s.at < u]
        ffmpegs = max(inside) if inside else 0
        running = sum(1 for b in r.books if b.start < u and b.end > t)
        events = [f"+{b.title}" for b in r.books if t <= b.start < u]
        events += [f"-{b.title}" for b in r.books if t <= b.end < u]
        bar = "#" * round(used * 10 / r.cores)
        lines.append(
            f"{t - r.spawned:6.1f}s {used:4.2f} cores {bar:<10} ffmpeg {ffmpegs} "
            f"books {running} {' '.join(events)}"
        )
        t = u
    return lines


def stage_means(r: Round) -> str:
    """Mean seconds per book: claim to start of convert (scan, plan), audio, tail, record."""
    prep, audio, tail = [], [], []
    for b in r.books:
        s = b.stages
        if "convert" in s and "audio" in s:
            prep.append(b.end - b.start - s["convert"])
            audio.append(s["audio"])
            tail.append(s["tail"])
    if not prep:
        return "no stage times in the logs"

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    return (
        f"per book: {mean([b.end - b.start for b in r.books]):.2f} s claimed, of which "
        f"audio {mean(audio):.2f} s, mux+tags+check {mean(tail):.2f} s, "
        f"the rest (scan, plan, record) {mean(prep):.2f} s"
    )


# --- Reporting --------------------------------------------------------------------------


def git_name(checkout: Path) -> str:
    out = subprocess.run(
        ["git", "-C", str(checkout), "log", "-1", "--format=%h"],
        capture_output=True,
        text=True,
        check=False,
    )
    branch = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--abbrev-ref", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return f"{branch.stdout.strip() or '?'} {out.stdout.strip() or '?'}"


def ffmpeg_version(ffmpeg: str) -> str:
    out = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True).stdout
    words = out.split()
    return words[2] if len(words) > 2 else "?"


def row(args: argparse.Namespace, name: str, k: int, r: Round, loads: tuple[str, str]) -> str:
    idle = idle_parts(r)
    at = datetime.datetime.fromtimestamp(r.spawned, datetime.UTC).strftime("%Y-%m-%d %H:%M")
    return (
        f"| {at} | {name} | {k} | {loads[0]}/{loads[1]} | {r.wall:.1f} | {r.cpu:.1f} "
        f"({r.python_cpu:.1f}) | **{r.ratio:.3f}** | {idle['start']:.1f} / "
        f"{idle['books']:.1f} / {idle['end']:.1f} |"
    )


def record(args: argparse.Namespace, rows: list[str], specs: list[BookSpec]) -> None:
    minutes = sum(sum(s.minutes) for s in specs)
    makers = sorted({s.maker for s in specs})
    header = (
        f"\n### many_books_bench {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: "
        f"ffmpeg {args.version}, {len(specs)} books ({minutes:g} min of MP3, made by "
        f"{', '.join(makers)}), books at once {args.books or 'default'}, ffmpeg processes "
        f"{args.jobs or 'default'}, {args.cores} cores\n\n"
        "| started (UTC) | checkout | round | load before/after | wall s | CPU s (worker's "
        "own Python) | wall / (CPU / cores) | idle core-s: start / books / end |\n"
        "|---|---|---|---|---|---|---|---|\n"
    )
    with RESULTS.open("a") as out:
        out.write(header + "\n".join(rows) + "\n")


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


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
    parser.add_argument("--queue-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.queue_child:
        queue_child(args.queue_child[0], args.queue_child[1:])
        return
    if not args.ffmpeg:
        sys.path.insert(0, str(ROOT))
        from aiom4b_tui.core.ffmpeg import find_ffmpeg

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
