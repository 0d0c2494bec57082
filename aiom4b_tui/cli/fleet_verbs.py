"""`aiom4b workers`: the live workers of the queue, on every host (host, pid, books
running of how many, ffmpeg processes, last heartbeat, path map)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from aiom4b_tui.cli.args import EXIT_OK
from aiom4b_tui.cli.json_output import iso_time, print_json
from aiom4b_tui.cli.verb_context import open_context
from aiom4b_tui.store.models import WorkerDB
from aiom4b_tui.store.workers import WorkerRegistry


def _path_map(worker: WorkerDB) -> dict[str, str]:
    try:
        data = json.loads(worker.path_map) if worker.path_map else {}
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def worker_json(worker: WorkerDB) -> dict[str, Any]:
    """One worker for `workers --json`."""
    return {
        "id": worker.id,
        "host": worker.host,
        "pid": worker.pid,
        "since": iso_time(worker.started_at),
        "heartbeat": iso_time(worker.heartbeat),
        "books_running": worker.books_running,
        "books_at_once": worker.books_at_once,
        "ffmpeg_processes": worker.ffmpeg_processes,
        "path_map": _path_map(worker),
        "stop_requested": worker.stop_requested,
        "version": worker.version,
    }


def _seconds_ago(moment: datetime) -> int:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return max(0, int((datetime.now(UTC) - aware).total_seconds()))


def _map_text(mapping: dict[str, str]) -> str:
    return ", ".join(f"{k} -> {v}" for k, v in mapping.items()) or "-"


def cmd_workers(args: argparse.Namespace) -> int:
    """List the live workers of the queue (every host that works it)."""
    with open_context(args) as ctx:
        workers = WorkerRegistry(ctx.db).live_workers()
        where = ctx.db.display_name
    if args.json:
        print_json({"database": where, "workers": [worker_json(w) for w in workers]})
        return EXIT_OK
    print(f"queue  {where}")
    if not workers:
        print("no live worker")
        return EXIT_OK
    print(f"{'HOST':<20} {'PID':>7} {'BOOKS':>5} {'FFMPEG':>6} {'BEAT':>6}  PATH MAP")
    for worker in workers:
        books = f"{worker.books_running}/{worker.books_at_once}"
        beat = f"{_seconds_ago(worker.heartbeat)}s"
        print(
            f"{worker.host[:20]:<20} {worker.pid:>7} {books:>5} {worker.ffmpeg_processes:>6} "
            f"{beat:>6}  {_map_text(_path_map(worker))}"
        )
    return EXIT_OK
