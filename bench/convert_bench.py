"""Benchmark the conversion engine against a single ffmpeg pass and the per-file route.

Makes a book of MP3s in a temporary folder and measures, in rounds that alternate the
order of the routes, on the same input and with the same encoder settings:

- single: one ffmpeg concatenating every file (concat demuxer) and encoding once;
- per-file: each file encoded apart, `--slots` at a time, the parts joined with `-c copy`
  through the concat demuxer (what other tools do: not gapless, chapters drift);
- ours: `convert_folders` in a process of its own (imports, scan, encode, mux, tags).

Each route's wall time, its CPU time (the children's rusage: every process it started)
and its wall time over the single pass's in the same round. Layouts: `files` (default
12 files of 20 minutes = 4 h) and `one` (one file of `--one-minutes`, default 120, made
of the first files). The rows are appended to bench/RESULTS.md (`--no-record`: not).

    python bench/convert_bench.py                           # 12 x 20 min, 3 rounds
    python bench/convert_bench.py --ffmpeg /opt/ffmpeg51/ffmpeg --layout both
    python bench/convert_bench.py --files 1 --minutes 2 --rounds 5   # small work
    python bench/convert_bench.py --trace /tmp/t.jsonl --routes ours  # one line per ffmpeg
    python bench/convert_bench.py --base /work/main   # + route `base`: that checkout's engine
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
ROUTES = ("single", "perfile", "ours", "base")


def make_source(ffmpeg: str, path: Path, seconds: float, index: int, codec: str) -> None:
    """Speech-like test audio: a gliding tone over pink noise, encoded as asked."""
    tone = f"sine=f={180 + 20 * index}:sample_rate=44100:d={seconds}"
    noise = f"anoisesrc=color=pink:amplitude=0.15:sample_rate=44100:d={seconds}:seed={index}"
    graph = "[0:a][1:a]amix=inputs=2:normalize=0,volume=0.7,aformat=channel_layouts=stereo[a]"
    codec_args = (
        ["-c:a", "libmp3lame", "-b:a", "128k"]
        if codec == "mp3"
        else ["-c:a", "aac", "-b:a", "128k"]
    )
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", tone, "-f", "lavfi", "-i", noise]
    cmd += ["-filter_complex", graph, "-map", "[a]", *codec_args, str(path)]
    subprocess.run(cmd, check=True)


def make_book(ffmpeg: str, folder: Path, files: int, minutes: float, codec: str) -> list[Path]:
    """`files` sources of `minutes` each, made on every core."""
    folder.mkdir(parents=True, exist_ok=True)
    ext = "mp3" if codec == "mp3" else "m4a"
    paths = [folder / f"{n:02d}.{ext}" for n in range(1, files + 1)]
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        list(
            pool.map(
                lambda a: make_source(ffmpeg, a[1], minutes * 60, a[0], codec), enumerate(paths)
            )
        )
    return paths


def join_mp3s(ffmpeg: str, parts: list[Path], target: Path) -> Path:
    """One long MP3 made of the parts (stream copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    listing = target.parent / "list.txt"
    listing.write_text("".join(f"file '{p}'\n" for p in parts))
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing)]
    subprocess.run([*cmd, "-c", "copy", str(target)], check=True, capture_output=True)
    listing.unlink()
    return target


def children_cpu() -> float:
    """CPU seconds of every child waited for so far (and of their waited-for children)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def measured(run: Callable[[], None]) -> tuple[float, float]:
    """Wall and children's CPU seconds of `run`."""
    cpu, started = children_cpu(), time.monotonic()
    run()
    return time.monotonic() - started, children_cpu() - cpu


def _listing(path: Path, files: list[Path]) -> Path:
    path.write_text("".join(f"file '{p}'\n" for p in files))
    return path


def single_pass(ffmpeg: str, sources: list[Path], work: Path, encoder: str) -> None:
    """One ffmpeg concatenating every source and encoding once."""
    listing = _listing(work / "single-list.txt", sources)
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing)]
    cmd += ["-map", "0:a", "-c:a", encoder, "-b:a", "128k", str(work / "single.m4a")]
    subprocess.run(cmd, check=True)


def per_file(ffmpeg: str, sources: list[Path], work: Path, encoder: str, slots: int) -> None:
    """Each source encoded apart, `slots` at a time, joined with `-c copy` (concat demuxer)."""
    parts = [work / f"part-{n:03d}.m4a" for n in range(len(sources))]

    def encode(pair: tuple[Path, Path]) -> None:
        source, part = pair
        cmd = [ffmpeg, "-v", "error", "-y", "-i", str(source), "-map", "0:a"]
        subprocess.run([*cmd, "-c:a", encoder, "-b:a", "128k", str(part)], check=True)

    with ThreadPoolExecutor(slots) as pool:
        list(pool.map(encode, zip(sources, parts, strict=True)))
    listing = _listing(work / "perfile-list.txt", parts)
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing)]
    subprocess.run([*cmd, "-map", "0:a", "-c", "copy", str(work / "perfile.m4b")], check=True)


def ours(ffmpeg: str, folder: Path, out: Path, encoder: str, slots: int, root: Path = ROOT) -> None:
    """convert_folders in a child process (its imports and start are part of the cost),
    from the checkout at `root` (another one: `--base`, to compare two versions)."""
    script = root / "bench" / "convert_bench.py"
    cmd = [sys.executable, str(script), "--child", str(folder), str(out), "--ffmpeg", ffmpeg]
    cmd += ["--encoder", encoder, "--slots", str(slots)]
    subprocess.run(cmd, check=True)


def child(folder: str, out: str, ffmpeg: str, encoder: str, slots: int) -> None:
    """The engine alone (run in the child process)."""
    sys.path.insert(0, str(ROOT))
    from aiom4b_tui.engine.convert import convert_folders
    from aiom4b_tui.engine.convert_task import ConvertTask
    from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
    from aiom4b_tui.job_options.model import JobOptions

    options = JobOptions(bitrate=128_000, encoder=encoder)
    task = ConvertTask(ffmpeg, FFmpegPool(slots), work_name="b")
    asyncio.run(convert_folders([Path(folder)], options, task, output_dir=Path(out)))


def load() -> str:
    """The 1-minute load average now."""
    return f"{os.getloadavg()[0]:.2f}"


def ffmpeg_version(ffmpeg: str) -> str:
    """`5.1.9-0+deb12u1`, `9.0.2-static`, …"""
    out = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True).stdout
    words = out.split()
    return words[2] if len(words) > 2 else "?"


def trace_wrapper(ffmpeg: str, log: Path, root: Path) -> str:
    """An executable that runs `ffmpeg` and logs start, end and rusage of each run."""
    wrapper = root / "ffmpeg-trace"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys, time\n"
        f"real, log = {ffmpeg!r}, {str(log)!r}\n"
        "start = time.time()\n"
        "pid = os.posix_spawn(real, [real, *sys.argv[1:]], os.environ)\n"
        "_, status, ru = os.wait4(pid, 0)\n"
        "end = time.time()\n"
        "line = dict(start=start, end=end, user=ru.ru_utime, sys=ru.ru_stime,\n"
        "            cpus=sorted(os.sched_getaffinity(0)), args=sys.argv[1:])\n"
        "with open(log, 'a') as f:\n"
        "    f.write(json.dumps(line) + '\\n')\n"
        "sys.exit(os.waitstatus_to_exitcode(status))\n"
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return str(wrapper)


def bench_layout(
    args: argparse.Namespace, ffmpeg: str, name: str, folder: Path, root: Path
) -> list[str]:
    """Rounds of every route on one layout, the order rotated each round; table rows."""
    sources = sorted(folder.iterdir())
    work = root / f"work-{name}"
    routes = {
        "single": lambda: single_pass(ffmpeg, sources, work, args.encoder),
        "perfile": lambda: per_file(ffmpeg, sources, work, args.encoder, args.slots),
        "ours": lambda: ours(ffmpeg, folder, work / "out", args.encoder, args.slots),
        "base": lambda: ours(ffmpeg, folder, work / "base", args.encoder, args.slots, args.base),
    }
    chosen = [r for r in ROUTES if r in args.routes and (r != "base" or args.base)]
    rows = []
    for round_ in range(args.rounds):
        order = chosen[round_ % len(chosen) :] + chosen[: round_ % len(chosen)]
        if round_ % 2 and len(chosen) > 2:  # with two, reversing would undo the rotation
            order.reverse()
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
        before = load()
        got: dict[str, tuple[float, float]] = {}
        for route in order:
            began = time.time()
            got[route] = measured(routes[route])
            if args.trace:
                note = {
                    "route": route,
                    "layout": name,
                    "round": round_ + 1,
                    "start": began,
                    "end": time.time(),
                    "cpu": got[route][1],
                }
                with args.trace.open("a") as log:
                    log.write(json.dumps(note) + "\n")
            print(
                f"  {name} round {round_ + 1} {route}: {got[route][0]:.1f} s wall, "
                f"{got[route][1]:.1f} CPU-s",
                flush=True,
            )
        single = got.get("single", (0.0, 0.0))[0]
        cells = []
        for route in ROUTES if args.base else ROUTES[:-1]:
            if route not in got:
                cells.append("")
                continue
            wall, cpu = got[route]
            ratio = f", **{wall / single:.3f}**" if single and route != "single" else ""
            cells.append(f"{wall:.1f} s ({cpu:.0f} CPU-s){ratio}")
        rows.append(
            f"| {at} | {args.version} | {name} {len(sources)}x | {round_ + 1} "
            f"({'>'.join(order)}) | {before}/{load()} | " + " | ".join(cells) + " |"
        )
        print(rows[-1], flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return rows


def record(rows: list[str], args: argparse.Namespace) -> None:
    """Append the run's rows to bench/RESULTS.md under a header naming the run."""
    one = f" (one file: {args.one_minutes:g} min)" if args.layout != "files" else ""
    header = (
        f"\n### convert_bench {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: "
        f"ffmpeg {args.version}, {args.files} x {args.minutes:g} min MP3{one}, "
        f"encoder {args.encoder}, {args.slots} slots\n\n"
        "| started (UTC) | ffmpeg | layout | round (order) | load before/after | single pass "
        "| per-file, `-c copy` join | ours |"
        + (f" base ({args.base}) |" if args.base else "")
        + "\n|---|---|---|---|---|---|---|---|"
        + ("---|" if args.base else "")
        + "\n"
    )
    with RESULTS.open("a") as out:
        out.write(header + "\n".join(rows) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--minutes", type=float, default=20.0, help="minutes per file")
    parser.add_argument("--one-minutes", type=float, default=120.0, help="the one-file layout")
    parser.add_argument("--layout", choices=["files", "one", "both"], default="files")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--routes", default=",".join(ROUTES), help="e.g. single,ours")
    parser.add_argument("--ffmpeg", help="for every route (default: the engine's own)")
    parser.add_argument("--slots", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--encoder", choices=["aac", "libfdk_aac"], default="aac")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--trace", type=Path, help="log each ffmpeg run (JSON lines) here")
    parser.add_argument(
        "--base", type=Path, help="another checkout: its engine is the route `base` (before/after)"
    )
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.ffmpeg, args.encoder, args.slots)
        return
    if not args.ffmpeg:
        sys.path.insert(0, str(ROOT))
        from aiom4b_tui.engine.ffmpeg.run import find_ffmpeg

        args.ffmpeg = find_ffmpeg()
    args.routes = [r.strip() for r in args.routes.split(",")]
    args.version = ffmpeg_version(args.ffmpeg)
    root = Path(tempfile.mkdtemp(prefix="aiom4b-bench-"))
    ffmpeg = trace_wrapper(args.ffmpeg, args.trace, root) if args.trace else args.ffmpeg
    print(
        f"ffmpeg {args.ffmpeg} ({args.version}), encoder {args.encoder}, {args.slots} slots; "
        f"{args.files} x {args.minutes:g} min MP3; work in {root}",
        flush=True,
    )
    try:
        started = time.monotonic()
        many = make_book(args.ffmpeg, root / "files", args.files, args.minutes, "mp3")
        if args.layout in ("one", "both"):
            count = max(1, min(len(many), round(args.one_minutes / args.minutes)))
            join_mp3s(args.ffmpeg, many[:count], root / "one" / "book.mp3")
        print(f"(made the sources in {time.monotonic() - started:.0f} s)", flush=True)
        rows = []
        if args.layout in ("files", "both"):
            rows += bench_layout(args, ffmpeg, "files", root / "files", root)
        if args.layout in ("one", "both"):
            rows += bench_layout(args, ffmpeg, "one", root / "one", root)
        if not args.no_record:
            record(rows, args)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
