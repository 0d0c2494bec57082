"""Where each route's CPU went and where its cores idled, from a `convert_bench --trace` log.

The trace holds one JSON line per ffmpeg run (start, end, user, sys, args) and one per
route run (route, round, start, end, cpu). For each route run this prints the encodes'
CPU (and of it system time), the other ffmpeg runs' CPU, what is left for Python (the
route's CPU less its ffmpeg runs and the trace wrapper's own start, about 0.036 CPU-s
each), when the first encode began, how long only one encode ran, and the tail after
the last encode.

    python bench/trace_report.py /tmp/t.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

WRAPPER_CPU = 0.036  # CPU-s of one trace wrapper (a Python start), measured


def is_encode(args: list[str]) -> bool:
    """An ffmpeg run that encodes audio (not a probe, `-encoders` or a `-c copy` join)."""
    return "-c:a" in args and "copy" not in args


def one_core_seconds(encodes: list[dict]) -> float:
    """Seconds in which exactly one encode ran, between the first start and last end."""
    edges = sorted([(e["start"], 1) for e in encodes] + [(e["end"], -1) for e in encodes])
    running, last, alone = 0, 0.0, 0.0
    for at, step in edges:
        if running == 1:
            alone += at - last
        running, last = running + step, at
    return alone


def report(lines: list[dict]) -> list[str]:
    """One table row per route run."""
    runs = [line for line in lines if "route" in line]
    calls = [line for line in lines if "args" in line]
    rows = [
        "| round | route | wall | CPU | encodes (n) | of it sys | other ffmpeg | python "
        "| first encode at | one core | tail |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        inside = [c for c in calls if run["start"] <= c["start"] <= run["end"]]
        encodes = [c for c in inside if is_encode(c["args"])]
        others = [c for c in inside if not is_encode(c["args"])]
        enc_cpu = sum(c["user"] + c["sys"] for c in encodes)
        other_cpu = sum(c["user"] + c["sys"] for c in others)
        python = run["cpu"] - enc_cpu - other_cpu - WRAPPER_CPU * len(inside)
        first = min((c["start"] for c in encodes), default=run["start"]) - run["start"]
        tail = run["end"] - max((c["end"] for c in encodes), default=run["end"])
        rows.append(
            f"| {run['round']} | {run['route']} | {run['end'] - run['start']:.1f} "
            f"| {run['cpu']:.1f} | {enc_cpu:.1f} ({len(encodes)}) "
            f"| {sum(c['sys'] for c in encodes):.1f} | {other_cpu:.2f} | {python:.2f} "
            f"| +{first:.2f} s | {one_core_seconds(encodes):.1f} s | {tail:.2f} s |"
        )
    return rows


def main() -> None:
    """Print the report of the trace named on the command line."""
    lines = [json.loads(text) for text in Path(sys.argv[1]).read_text().splitlines() if text]
    print("\n".join(report(lines)))


if __name__ == "__main__":
    main()
