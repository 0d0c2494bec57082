"""Verbs of the queue: cancel, retry, watch (an inbox), and the helpers the worker verb
(cli/worker_verbs.py) shares: printing events, running until a stop signal."""

from __future__ import annotations

import argparse
import asyncio
import signal
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from aiom4b_tui.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    find_job,
    open_context,
)
from aiom4b_tui.engine.sources.scan import abandon_scans
from aiom4b_tui.queue.control.worker_id import current_worker_id
from aiom4b_tui.queue.inbox import InboxWatcher
from aiom4b_tui.queue.recovery import is_orphan, lease_rules, recover_orphans
from aiom4b_tui.queue.runner.runner import RunnerEvent
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.jobs import JobService, JobStateError
from aiom4b_tui.store.models import JobDB, JobStatus

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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


def run_until_signalled(main: Coroutine[Any, Any, None], on_signal: Callable[[int], None]) -> None:
    """Run `main`, calling `on_signal(signal number)` on SIGINT, SIGTERM or SIGHUP (each
    asks for a graceful stop; `main` decides when it is done)."""

    def _stopping(sig: int) -> None:
        abandon_scans()  # a scan in a thread would hold the process up until it ends
        on_signal(sig)

    async def runner() -> None:
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, _stopping, sig)
        try:
            await main
        finally:
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)

    asyncio.run(runner())


def _wait_for_cancel(service: JobService, job: JobDB, seconds: float) -> JobDB:
    deadline = time.monotonic() + seconds
    while True:
        row = service.get_job(job.id) or job
        if row.status is not JobStatus.RUNNING or time.monotonic() > deadline:
            return row
        time.sleep(0.1)


def _change_job(service: JobService, id_or_prefix: str, change: Callable[[UUID], JobDB]) -> JobDB:
    """Apply `change` (a JobService method taking a job id) to the job a person named;
    a status that does not allow it is a usage error (exit 2)."""
    job = find_job(service, id_or_prefix)
    try:
        return change(job.id)
    except JobStateError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc


def cmd_cancel(args: argparse.Namespace) -> int:
    """Cancel a queued or running job, in whichever process it runs."""
    with open_context(args) as ctx:
        job = _change_job(ctx.service, args.id, ctx.service.request_cancel)
        rules = lease_rules(ctx.settings)
        if job.status is JobStatus.RUNNING and is_orphan(
            job.worker, job.heartbeat, now=datetime.now().astimezone(), rules=rules
        ):
            # Nobody is left to honour the request: do what recovery would.
            recover_orphans(ctx.service, ctx.settings, str(current_worker_id()), rules=rules)
        if job.status is JobStatus.RUNNING and args.wait > 0:
            job = _wait_for_cancel(ctx.service, job, args.wait)
    if job.status is JobStatus.RUNNING:
        print(f"cancel requested {job.id}  {job.title}; its worker {job.worker} will stop it")
    else:
        print(f"{job.status.value} {job.id}  {job.title}")
    return EXIT_OK


def cmd_retry(args: argparse.Namespace) -> int:
    """Queue a failed or cancelled job again, its log kept."""
    with open_context(args) as ctx:
        job = _change_job(ctx.service, args.id, ctx.service.retry)
    print(f"queued {job.id}  {job.title}")
    return EXIT_OK


def cmd_watch(args: argparse.Namespace) -> int:
    """Queue a job for every new, settled audio folder in the inbox, until stopped."""
    with open_context(args) as ctx:
        inbox: Path | None = args.inbox or ctx.settings.inbox_dir
        if inbox is None:
            raise CliError("no inbox: give INBOX or set inbox_dir", EXIT_USAGE)
        inbox = inbox.expanduser()
        if not inbox.is_dir():
            raise CliError(f"not a folder: {inbox}", EXIT_USAGE)
        stop = asyncio.Event()
        watcher = InboxWatcher(ctx.service, inbox, settle=args.settle, on_job=announce_queued)
        say(f"watching {watcher.inbox} (settle {args.settle:g} s)")
        signals: list[int] = []
        run_until_signalled(watcher.run(stop), lambda sig: (signals.append(sig), stop.set()))
    return EXIT_INTERRUPTED if signal.SIGINT in signals else EXIT_OK
