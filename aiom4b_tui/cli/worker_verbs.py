"""`aiom4b worker`: run the queue headless (the default action), or control the workers
of a data dir: `status`, `stop`, `pause`, `resume`.

One worker per data dir by default: it holds `<data dir>/worker.lock`. `--auto` (how
clients start one) exits at once, quietly, when the lock is held; a worker started by a
person says so and runs anyway. SIGTERM and SIGHUP stop it cleanly (exit 0), Ctrl-C too
(exit 130): running books go back to the queue, their work kept.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiom4b_tui import __version__
from aiom4b_tui.cli.args import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError
from aiom4b_tui.cli.fleet_verbs import worker_json
from aiom4b_tui.cli.json_output import print_json
from aiom4b_tui.cli.log_lines import announce_queued, event_printer, say
from aiom4b_tui.cli.signals import run_until_signalled
from aiom4b_tui.cli.verb_context import open_context
from aiom4b_tui.engine.ffmpeg.process import set_encoder_priority
from aiom4b_tui.queue.control.lock import lock_holder, try_lock
from aiom4b_tui.queue.control.spawn import ensure_worker
from aiom4b_tui.queue.control.worker_id import this_host
from aiom4b_tui.queue.control.worker_log import WORKER_LOG
from aiom4b_tui.queue.cpu_priority import lower_priority
from aiom4b_tui.queue.inbox_keeper import InboxKeeper
from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.queue.runner.runner import QueueRunner
from aiom4b_tui.queue.worker import DataDirWatch, run_worker
from aiom4b_tui.store.models import JobStatus, WorkerDB
from aiom4b_tui.store.workers import InboxRequest, PauseMode, WorkerInfo, WorkerRegistry


def _idle_exit(args: argparse.Namespace, configured: float) -> float | None:
    """Seconds of nothing to do before the worker exits; None: never. (A worker that
    watches an inbox never counts as idle.)"""
    if args.watch is not None:
        return None  # a worker started to watch an inbox waits for it
    seconds = configured if args.idle_exit is None else args.idle_exit
    return seconds or None


def _log_to(stream: Any) -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(message)s",
        datefmt="%H:%M:%S",
        stream=stream,
        force=True,
    )


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the queue headless until stopped, idle, or (with --once) empty."""
    with open_context(args, books_at_once=args.books, ffmpeg_processes=args.jobs) as ctx:
        inbox = args.watch.expanduser() if args.watch else None
        if inbox is not None and not inbox.is_dir():
            raise CliError(f"not a folder: {inbox}", EXIT_USAGE)
        lock = try_lock(ctx.settings.data_dir)
        if lock is None:
            if args.auto:
                return EXIT_OK
            holder = lock_holder(ctx.settings.data_dir)
            say(f"a worker already runs for this data dir (pid {holder}); starting another")
        _log_to(sys.stdout)
        lowered = lower_priority(ctx.settings.worker_nice)
        if lowered:
            say(lowered)
        say(set_encoder_priority(ctx.settings.encoder_priority, ctx.settings.encoder_cgroup))
        try:
            return _serve(args, ctx, inbox)
        finally:
            if lock is not None:
                lock.release()


def _serve(args: argparse.Namespace, ctx: Any, inbox: Path | None) -> int:
    runner = QueueRunner(ctx.service, ctx.settings, on_event=event_printer(args.verbose))
    registry = WorkerRegistry(ctx.db)
    info = WorkerInfo(
        worker_id=runner.worker_id,
        host=this_host(),
        pid=os.getpid(),
        books_at_once=runner.books,
        ffmpeg_processes=ctx.settings.ffmpeg_processes,
        path_map=ctx.settings.path_map,
        version=__version__,
    )
    watch = DataDirWatch(ctx.settings.data_dir, ctx.db.path)
    idle_exit = _idle_exit(args, ctx.settings.worker_idle_exit)
    # The inbox of --watch, else the one a client asks the workers to watch (the TUI's w).
    keeper = InboxKeeper(
        ctx.service,
        registry,
        runner.worker_id,
        path_map=PathMap(ctx.settings.path_map),
        fixed=InboxRequest(str(inbox), args.settle) if inbox is not None else None,
        on_job=lambda job: (announce_queued(job), runner.wake()),
        say=say,
    )
    signals: list[int] = []
    outcome: list[Any] = []

    async def main() -> None:
        outcome.append(
            await run_worker(
                runner,
                registry,
                info,
                watch,
                once=args.once,
                idle_exit=idle_exit,
                inbox=keeper,
                say=say,
            )
        )

    def on_signal(sig: int) -> None:
        signals.append(sig)
        say(f"{signal.Signals(sig).name}: stopping; running books go back to the queue")
        runner.request_stop(requeue=True)

    idle_text = f"exits after {idle_exit:g} s idle" if idle_exit else "never exits when idle"
    say(f"worker {runner.worker_id}: {runner.books} books at once, {idle_text}")
    run_until_signalled(main(), on_signal)
    unrecorded = runner.unrecorded_job_ids
    if unrecorded:
        ids = ", ".join(job_id.hex[:8] for job_id in sorted(unrecorded))
        say(f"worker {runner.worker_id}: stopped; the end of {ids} could not be recorded")
        return EXIT_FAILURE
    if outcome and outcome[0].data_dir_gone:
        say(f"worker {runner.worker_id}: stopped: {outcome[0].stop_reason}")
        return EXIT_FAILURE
    say(f"worker {runner.worker_id}: stopped")
    return EXIT_INTERRUPTED if signal.SIGINT in signals else EXIT_OK


# --- Control ---------------------------------------------------------------------------


def _ago(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    seconds = max(0, int((datetime.now(UTC) - aware).total_seconds()))
    return f"{seconds} s ago" if seconds < 120 else f"{seconds // 60} min ago"


PAUSE_TEXT = {
    None: "running",
    PauseMode.FINISH: "paused (running books finish, no new book starts)",
    PauseMode.STOP: "paused (running books stopped and queued again, work kept)",
}


def cmd_worker_status(args: argparse.Namespace) -> int:
    """The live workers of the data dir, the pause state, the lock holder, the log."""
    with open_context(args) as ctx:
        registry = WorkerRegistry(ctx.db)
        workers = registry.live_workers()
        mode = registry.pause_mode()
        inbox = registry.inbox_request()
        queued = ctx.service.count_by_status()[JobStatus.QUEUED]
        data_dir = ctx.settings.data_dir
    holder = lock_holder(data_dir)
    log = data_dir / WORKER_LOG
    if args.json:
        print_json(
            {
                "data_dir": str(data_dir),
                "workers": [worker_json(w) for w in workers],
                "paused": mode.value if mode else None,
                "inbox": inbox.path if inbox else None,
                "queued": queued,
                "lock_holder": holder,
                "log": str(log),
            }
        )
        return EXIT_OK
    print(f"data dir  {data_dir}")
    if not workers:
        print("workers   none running")
    for worker in workers:
        since = worker.started_at.replace(tzinfo=UTC).astimezone()
        stopping = "  (stopping)" if worker.stop_requested else ""
        watching = f"  watching {worker.watching}" if worker.watching else ""
        print(
            f"worker    {worker.id}  since {since:%Y-%m-%d %H:%M:%S}  "
            f"{worker.books_running}/{worker.books_at_once} books running  "
            f"heartbeat {_ago(worker.heartbeat)}{stopping}{watching}"
        )
    print(f"queue     {PAUSE_TEXT[mode]}, {queued} queued")
    if inbox is not None:
        print(f"inbox     {inbox.path} (the workers are asked to watch it)")
    print(f"lock      held by pid {holder}" if holder is not None else "lock      free")
    print(f"log       {log}")
    return EXIT_OK


def _chosen_workers(args: argparse.Namespace, workers: list[WorkerDB]) -> list[WorkerDB]:
    if args.all:
        return workers
    if args.worker:
        chosen = [w for w in workers if args.worker in (w.id, str(w.pid))]
        if not chosen:
            raise CliError(f"no live worker {args.worker} (see: aiom4b worker status)", EXIT_USAGE)
        return chosen
    if len(workers) > 1:
        names = ", ".join(w.id for w in workers)
        raise CliError(f"{len(workers)} workers run ({names}): name one, or --all", EXIT_USAGE)
    return workers


def cmd_worker_stop(args: argparse.Namespace) -> int:
    """Ask workers to stop (running books go back to the queue, work kept); wait."""
    with open_context(args) as ctx:
        registry = WorkerRegistry(ctx.db)
        chosen = _chosen_workers(args, registry.live_workers())
        if not chosen:
            print(f"no worker runs for {ctx.settings.data_dir}")
            return EXIT_OK
        for worker in chosen:
            registry.request_stop(worker.id)
        ids = {w.id for w in chosen}
        deadline = time.monotonic() + args.wait
        left = ids
        while left and time.monotonic() < deadline:
            time.sleep(0.2)
            left = ids & {w.id for w in registry.live_workers()}
    for worker_id in sorted(ids - left):
        print(f"stopped {worker_id}")
    for worker_id in sorted(left):
        print(f"asked {worker_id} to stop; it has not stopped yet")
    return EXIT_OK


def cmd_worker_pause(args: argparse.Namespace) -> int:
    """Pause the queue: running books finish (or, --stop-running, go back to the queue)."""
    mode = PauseMode.STOP if args.stop_running else PauseMode.FINISH
    with open_context(args) as ctx:
        WorkerRegistry(ctx.db).pause(mode)
    print(f"queue {PAUSE_TEXT[mode]}")
    return EXIT_OK


def cmd_worker_resume(args: argparse.Namespace) -> int:
    """Let the workers claim books again; start a worker if books wait and none runs."""
    with open_context(args) as ctx:
        WorkerRegistry(ctx.db).resume()
        queued = ctx.service.count_by_status()[JobStatus.QUEUED]
        data_dir = ctx.settings.data_dir
    print("queue running")
    if queued:
        report_started_worker(data_dir)
    return EXIT_OK


def report_started_worker(data_dir: Path) -> None:
    """Start a detached worker unless one runs; say so when one was started."""
    pid = ensure_worker(data_dir)
    if pid is not None:
        print(f"worker started (pid {pid}, log: {data_dir / WORKER_LOG})")
