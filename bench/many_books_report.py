"""The many-books benchmark's report: where the cores idled, the timeline, RESULTS.md rows."""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import subprocess
from pathlib import Path

from many_books_make import BookSpec
from many_books_round import Round
from many_books_sampler import Sample

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


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


def git_name(checkout: Path) -> str:
    """The checkout's branch and short commit, e.g. "main e82b5b9"."""
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
    """The version word of `ffmpeg -version`."""
    out = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True).stdout
    words = out.split()
    return words[2] if len(words) > 2 else "?"


def row(args: argparse.Namespace, name: str, k: int, r: Round, loads: tuple[str, str]) -> str:
    """One round's row of the RESULTS.md table."""
    idle = idle_parts(r)
    at = datetime.datetime.fromtimestamp(r.spawned, datetime.UTC).strftime("%Y-%m-%d %H:%M")
    return (
        f"| {at} | {name} | {k} | {loads[0]}/{loads[1]} | {r.wall:.1f} | {r.cpu:.1f} "
        f"({r.python_cpu:.1f}) | **{r.ratio:.3f}** | {idle['start']:.1f} / "
        f"{idle['books']:.1f} / {idle['end']:.1f} |"
    )


def record(args: argparse.Namespace, rows: list[str], specs: list[BookSpec]) -> None:
    """Append the run's header and rows to bench/RESULTS.md."""
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
    """The 1-minute load average, as shown in the rows."""
    return f"{os.getloadavg()[0]:.2f}"
