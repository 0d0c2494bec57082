"""The lines the long-running verbs (`worker`, `watch`) print: each stamped with the local
time, every title and message from files or ffmpeg made visible, never sent raw."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiom4b_tui.queue.runner.runner import RunnerEvent
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.models import JobDB


def say(text: str) -> None:
    """Print one line, stamped with the local time (what workers and watchers print)."""
    print(f"{datetime.now():%H:%M:%S} {text}", flush=True)


def event_printer(verbose: bool) -> Callable[[RunnerEvent], None]:
    """An on_event callback printing one line per status change (and log lines if verbose)."""

    def print_event(event: RunnerEvent) -> None:
        if event.kind == "status" or (verbose and event.kind == "log"):
            # Titles come from tags and messages quote ffmpeg: never sent raw.
            say(f"{str(event.job_id)[:8]}  {visible(event.title)}: {visible(event.message)}")

    return print_event


def announce_queued(job: JobDB) -> None:
    """Say that the inbox watcher queued `job`."""
    say(f"{str(job.id)[:8]}  {visible(job.title or '')}: queued from the inbox")
