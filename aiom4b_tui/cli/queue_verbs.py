"""Verbs of the queue: `cancel` and `retry` a job, `watch` an inbox (queue a job for every
new, settled audio folder)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from uuid import UUID

from aiom4b_tui.cli.args import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError
from aiom4b_tui.cli.log_lines import announce_queued, say
from aiom4b_tui.cli.signals import run_until_signalled
from aiom4b_tui.cli.verb_context import find_job, open_context
from aiom4b_tui.queue.control.worker_id import current_worker_id
from aiom4b_tui.queue.inbox import InboxWatcher
from aiom4b_tui.queue.recovery import is_orphan, lease_rules, recover_orphans
from aiom4b_tui.store.jobs import JobService, JobStateError
from aiom4b_tui.store.models import JobDB, JobStatus


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
