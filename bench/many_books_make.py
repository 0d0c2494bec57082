"""The many-books benchmark's test books: small MP3 books made once, kept in a cache folder.

Each book is 3-6 files of 1-3 minutes of speech-like audio; a few are 22.05 kHz mono, and a
few are made with `lame` or `sox` where installed, so the worker meets more than one encoder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

CACHE_VERSION = 1


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
