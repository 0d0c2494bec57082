"""`aiom4b convert DIR...`: one book, made now, in the foreground, with a progress bar.

The job goes into the database like any other and runs through the same QueueRunner
code as `aiom4b worker`, so every status change is recorded the same way. Ctrl-C
(or SIGTERM, SIGHUP) cancels it cleanly: job cancelled, no ffmpeg left, no file left.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from typing import Any, TextIO

from pydantic import ValidationError

from aiom4b_tui.cli.args import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError
from aiom4b_tui.cli.book_flags import book_options
from aiom4b_tui.cli.error_messages import validation_message
from aiom4b_tui.cli.output_exists import output_folder_note, settle_existing
from aiom4b_tui.cli.signals import run_until_signalled
from aiom4b_tui.cli.verb_context import open_context
from aiom4b_tui.engine.ffmpeg.process import set_encoder_priority
from aiom4b_tui.engine.plan.title import job_title
from aiom4b_tui.queue.runner.runner import QueueRunner, RunnerEvent
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.models import JobCreate, JobStatus

LINE_EVERY_SECONDS = 10.0
BAR_WIDTH = 24


class ProgressDisplay:
    """Shows a runner's events on `stream`: a bar redrawn in place on a terminal,
    otherwise a line every LINE_EVERY_SECONDS (and one per status change and log line)."""

    def __init__(self, stream: TextIO, *, tty: bool | None = None) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self._bar_shown = False
        self._last_line = 0.0

    def __call__(self, event: RunnerEvent) -> None:
        if event.kind == "progress" and event.progress is not None:
            self._progress(event.progress, event.message)
        elif event.kind in ("status", "log"):
            self._line(event.message)

    def _progress(self, fraction: float, text: str) -> None:
        if self.tty:
            filled = round(BAR_WIDTH * fraction)
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {text}"
            width = shutil.get_terminal_size((80, 24)).columns - 1
            self.stream.write("\r" + bar[:width].ljust(width))
            self._bar_shown = True
        elif time.monotonic() - self._last_line >= LINE_EVERY_SECONDS:
            self._last_line = time.monotonic()
            self.stream.write(f"progress {text}\n")
        self.stream.flush()

    def _line(self, message: str) -> None:
        self.end_bar()
        self.stream.write(message + "\n")
        self.stream.flush()

    def end_bar(self) -> None:
        """Leave the bar's line, so what follows starts on a fresh one."""
        if self._bar_shown:
            self.stream.write("\n")
            self._bar_shown = False


def _job_data(args: argparse.Namespace) -> JobCreate:
    try:
        options = book_options(
            args,
            output_dir=args.output_dir.expanduser().resolve() if args.output_dir else None,
            bitrate=args.bitrate,
            encoder=args.encoder,
        )
        return JobCreate(
            input_folders=args.folders,
            title=job_title(args.folders, options),
            options=options,
        )
    except ValidationError as exc:
        raise CliError(validation_message(exc), EXIT_USAGE) from exc


def cmd_convert(args: argparse.Namespace) -> int:
    """Make one book of the given folders now; print the path of the .m4b."""
    job_data = _job_data(args)
    with open_context(args, ffmpeg_processes=args.jobs) as ctx:
        if not settle_existing(job_data, ctx.settings, args.if_exists, sys.stderr):
            return EXIT_OK
        job = ctx.service.create_job(job_data)
        # said once the book is queued: a failed convert says one thing, its error
        if note := output_folder_note(ctx.settings, job_data):
            print(note, file=sys.stderr)
        display = ProgressDisplay(sys.stderr)
        set_encoder_priority(ctx.settings.encoder_priority, ctx.settings.encoder_cgroup)
        runner = QueueRunner(ctx.service, ctx.settings, books=1, on_event=display)
        ended: list[Any] = []
        signals: list[int] = []

        async def main() -> None:
            ended.append(await runner.run_job(job.id))

        def on_signal(sig: int) -> None:
            signals.append(sig)
            runner.request_stop(requeue=False)

        run_until_signalled(main(), on_signal)
        display.end_bar()
    final = ended[0] if ended else None
    if final is None:
        raise CliError(f"job {job.id} was taken by another worker")
    if final.status is JobStatus.COMPLETED:
        print(final.output_file)
        return EXIT_OK
    if final.status is JobStatus.CANCELLED:
        code = EXIT_INTERRUPTED if signal.SIGINT in signals else EXIT_FAILURE
        raise CliError(f"cancelled; nothing written (job {final.id})", code)
    reason = f"failed: {final.reason}" if final.reason else failure_reason(final.log)
    raise CliError(f"{visible(reason)} (job {final.id})", EXIT_FAILURE)


def failure_reason(log: str | None) -> str:
    """The last "failed: ..." message of a job's log (lines are "<date> <time> <message>")."""
    messages = [line.split(" ", 2)[-1] for line in (log or "").splitlines()]
    failed = [m for m in messages if m.startswith("failed:")]
    return failed[-1] if failed else (messages[-1] if messages else "failed")
