"""Benchmark the conversion engine against one plain ffmpeg pass (run by hand).

Makes a book of MP3s in a temporary folder and measures, in one run on the same input:
our wall time, the wall time of a single ffmpeg pass that concatenates every file and
encodes once with the same encoder settings, and their ratio. Layouts: `files` (default
12 files of 10 minutes) and `one` (the same audio as one file). Then the copy path: AAC
sources of one format joined without re-encoding, against encoding the same sources.

    python bench/convert_bench.py                  # 12 x 10 min, both layouts, copy path
    python bench/convert_bench.py --minutes 1      # a quick run
    python bench/convert_bench.py --layout one --files 12 --minutes 10   # one 2-hour file
    python bench/convert_bench.py --encoder libfdk_aac   # both sides, where ffmpeg has it
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiom4b_tui.core.convert import convert_folders
from aiom4b_tui.core.ffmpeg import FFmpegPool, find_ffmpeg
from aiom4b_tui.core.options import JobOptions


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
    """`files` sources of `minutes` each, made two at a time."""
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


def cpu_seconds() -> float:
    """CPU used so far by this process and its finished children."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def single_pass(
    ffmpeg: str, sources: list[Path], target: Path, bitrate: int, encoder: str
) -> float:
    """Wall time of one ffmpeg concatenating every source and encoding once."""
    listing = target.parent / "single-list.txt"
    listing.write_text("".join(f"file '{p}'\n" for p in sources))
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing)]
    cmd += ["-map", "0:a", "-c:a", encoder, "-b:a", str(bitrate), str(target)]
    started = time.monotonic()
    subprocess.run(cmd, check=True)
    return time.monotonic() - started


def ours(
    ffmpeg: str, folder: Path, out: Path, options: JobOptions, pin: bool = True
) -> tuple[float, Path]:
    """Wall time of convert_folders on every core."""
    started = time.monotonic()
    pool = FFmpegPool(pin=pin)
    result = asyncio.run(
        convert_folders([folder], options, output_dir=out, ffmpeg=ffmpeg, pool=pool, work_name="b")
    )
    return time.monotonic() - started, result


def bench_layout(
    ffmpeg: str, name: str, folder: Path, root: Path, repeat: int, encoder: str, pin: bool = True
) -> float:
    """Time ours and the single pass, alternating, `repeat` times; report the best of each."""
    sources = sorted(folder.iterdir())
    bitrate = 128_000
    best_ours = best_single = float("inf")
    for _ in range(repeat):
        cpu = cpu_seconds()
        options = JobOptions(bitrate=bitrate, encoder=encoder)
        t_ours, result = ours(ffmpeg, folder, root / f"out-{name}", options, pin)
        cpu_ours, cpu = cpu_seconds() - cpu, cpu_seconds()
        size = result.stat().st_size
        result.unlink()
        t_single = single_pass(ffmpeg, sources, root / f"single-{name}.m4a", bitrate, encoder)
        cpu_single = cpu_seconds() - cpu
        best_ours, best_single = min(best_ours, t_ours), min(best_single, t_single)
        print(
            f"{name:>6}: ours {t_ours:6.1f} s ({cpu_ours:.0f} CPU-s)   single pass "
            f"{t_single:6.1f} s ({cpu_single:.0f} CPU-s)   ratio {t_ours / t_single:.2f}   "
            f"({size / 1e6:.0f} MB)",
            flush=True,
        )
    ratio = best_ours / best_single
    if repeat > 1:
        print(f"{name:>6}: best of {repeat}: ratio {ratio:.2f}")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--minutes", type=float, default=10.0, help="minutes per file")
    parser.add_argument("--layout", choices=["files", "one", "both", "none"], default="both")
    parser.add_argument("--no-copy", action="store_true", help="skip the copy-path bench")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--repeat", type=int, default=1, help="alternate runs, keep the best")
    parser.add_argument("--no-pin", action="store_true", help="let ffmpegs run on any CPU")
    parser.add_argument(
        "--encoder", choices=["aac", "libfdk_aac"], default="aac", help="for both sides"
    )
    args = parser.parse_args()
    ffmpeg = find_ffmpeg()
    root = Path(tempfile.mkdtemp(prefix="aiom4b-bench-"))
    total = args.files * args.minutes
    print(
        f"ffmpeg {ffmpeg}, encoder {args.encoder}\n"
        f"{os.cpu_count()} cores; book of {args.files} x {args.minutes:g} "
        f"min MP3 (128k stereo) = {total:g} min; work in {root}"
    )
    try:
        started = time.monotonic()
        many = []
        if args.layout != "none":
            many = make_book(ffmpeg, root / "files", args.files, args.minutes, "mp3")
        if args.layout in ("one", "both"):
            join_mp3s(ffmpeg, many, root / "one" / "book.mp3")
        print(f"(made the sources in {time.monotonic() - started:.0f} s)", flush=True)
        if args.layout in ("files", "both"):
            bench_layout(
                ffmpeg, "files", root / "files", root, args.repeat, args.encoder, not args.no_pin
            )
        if args.layout in ("one", "both"):
            bench_layout(
                ffmpeg, "one", root / "one", root, args.repeat, args.encoder, not args.no_pin
            )
        if not args.no_copy:
            aac = make_book(ffmpeg, root / "aac", args.files, args.minutes, "aac")
            t_copy, result = ours(ffmpeg, root / "aac", root / "out-copy", JobOptions())
            encode = JobOptions(bitrate=128_000, encoder=args.encoder)
            t_enc, _ = ours(ffmpeg, root / "aac", root / "out-enc", encode)
            print(
                f"  copy: joined {len(aac)} AAC files in {t_copy:.1f} s; encoding the same "
                f"sources took {t_enc:.1f} s: {t_enc / t_copy:.0f}x faster"
            )
            result.unlink()
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
