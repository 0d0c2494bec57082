"""The parser of every `aiom4b` verb, built without importing any verb's implementation:
each verb's `func` is a VerbCommand that imports its module (cli/*_verb(s).py) when the
verb runs. So `aiom4b --version`, `--help` and `VERB -h` load no database, no engine.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

from aiom4b_tui.cli.args import (
    add_data_dir,
    add_json,
    nonnegative_int,
    nonnegative_seconds,
    positive_int,
)
from aiom4b_tui.cli.book_flags import add_book_flags
from aiom4b_tui.cli.output_exists import add_if_exists_flag

# Copies of queue.inbox.SETTLE_SECONDS and engine.chapters.files.FORMATS, so that the parsers
# import neither; tests/cli/test_light_start.py keeps them equal.
SETTLE_SECONDS = 30.0
CHAPTER_FORMATS = ("txt", "ffmetadata", "cue", "json")
CANCEL_WAIT_SECONDS = 5.0
STOP_WAIT_SECONDS = 15.0

# The words the TUI shows for each status, and the stored names (JobStatus values).
STATUS_WORDS: dict[str, str] = {
    "queued": "queued",
    "running": "running",
    "done": "completed",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
STATUS_LISTED = ("queued", "running", "done", "failed", "cancelled")

# Every verb, in the order `register_verbs` adds them: `aiom4b` tells a verb from a folder
# (the TUI) by these without building the parsers, ~12 ms of the TUI's start;
# tests/ui/test_tui_start.py keeps them equal to the parsers'.
VERB_NAMES = (
    "stats",
    "jobs",
    "add",
    "rm",
    "clear",
    "db",
    "convert",
    "worker",
    "cancel",
    "retry",
    "watch",
    "chapters",
    "lookup",
    "workers",
)


class VerbCommand:
    """A verb's implementation, `function` of `aiom4b_tui.cli.<module>`, imported when the
    verb runs."""

    def __init__(self, module: str, function: str) -> None:
        self.module = module
        self.function = function

    def __call__(self, args: argparse.Namespace) -> int:
        module = importlib.import_module(f"aiom4b_tui.cli.{self.module}")
        return int(getattr(module, self.function)(args))

    def __repr__(self) -> str:
        return f"VerbCommand({self.module!r}, {self.function!r})"


def parse_status(text: str) -> str:
    """A status as a person writes it ('done', 'Failed', 'completed'): its stored name."""
    status = STATUS_WORDS.get(text.strip().lower())
    if status is None:
        raise argparse.ArgumentTypeError(
            f"invalid status {text!r} (valid: {', '.join(STATUS_LISTED)})"
        )
    return status


def parse_bitrate(text: str) -> int:
    """'64k', '64K', '64000' -> 64000 bits/s."""
    value = text.strip().lower()
    try:
        bits = int(float(value[:-1]) * 1000) if value.endswith("k") else int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a bitrate: {text!r} (e.g. 64k)") from exc
    if not 8_000 <= bits <= 512_000:
        raise argparse.ArgumentTypeError("bitrate must be between 8k and 512k")
    return bits


def register_verbs(verbs: Any) -> None:
    """Add every verb to the `aiom4b` parser's subparsers, in the order help lists them."""
    _register_job_verbs(verbs)
    _register_convert(verbs)
    _register_worker(verbs)
    _register_queue_verbs(verbs)
    _register_chapters(verbs)
    _register_lookup(verbs)
    _register_workers(verbs)


def _register_job_verbs(verbs: Any) -> None:
    p = verbs.add_parser("stats", help="jobs per status, database size, oldest and newest job")
    add_data_dir(p)
    add_json(p)
    p.set_defaults(func=VerbCommand("listing_verbs", "cmd_stats"))

    p = verbs.add_parser("jobs", help="list jobs, newest first")
    add_data_dir(p)
    add_json(p)
    p.add_argument(
        "--status",
        type=parse_status,
        metavar="STATUS",
        help=f"only jobs in this status: {', '.join(STATUS_LISTED)}",
    )
    p.add_argument("--limit", type=nonnegative_int, default=50)
    p.add_argument("--offset", type=nonnegative_int, default=0)
    p.set_defaults(func=VerbCommand("listing_verbs", "cmd_jobs"))

    p = verbs.add_parser("add", help="queue one book made of the given folders, in order")
    add_data_dir(p)
    add_json(p)
    p.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    add_book_flags(p)
    p.add_argument("--output-dir", type=Path, help="folder for the .m4b")
    p.add_argument("--no-worker", action="store_true", help="only queue it; start no worker")
    add_if_exists_flag(p)
    p.set_defaults(func=VerbCommand("job_verbs", "cmd_add"))

    p = verbs.add_parser("rm", help="delete a job (id or unique prefix)")
    add_data_dir(p)
    p.add_argument("id")
    p.set_defaults(func=VerbCommand("job_verbs", "cmd_rm"))

    p = verbs.add_parser("clear", help="delete finished jobs older than N days")
    add_data_dir(p)
    p.add_argument("--days", type=nonnegative_int, help="default: days_kept setting (30)")
    p.set_defaults(func=VerbCommand("job_verbs", "cmd_clear"))

    p = verbs.add_parser("db", help="database maintenance")
    db_verbs = p.add_subparsers(dest="db_verb", metavar="ACTION", required=True)
    b = db_verbs.add_parser("backup", help="online backup to the data dir's backup/")
    add_data_dir(b)
    b.add_argument("--to", type=Path, help="folder for the copy")
    b.set_defaults(func=VerbCommand("job_verbs", "cmd_db_backup"))


def _register_convert(verbs: Any) -> None:
    p = verbs.add_parser("convert", help="make one book of the given folders now, in order")
    add_data_dir(p)
    p.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    add_book_flags(p)
    p.add_argument("--output-dir", type=Path, help="folder for the .m4b")
    p.add_argument("--bitrate", type=parse_bitrate, help="AAC bitrate, e.g. 64k")
    p.add_argument(
        "--encoder",
        choices=["aac", "libfdk_aac"],
        help="AAC encoder (default: libfdk_aac where ffmpeg has it, else aac)",
    )
    p.add_argument("--jobs", type=positive_int, help="ffmpeg processes (default: one per core)")
    add_if_exists_flag(p)
    p.set_defaults(func=VerbCommand("convert_verb", "cmd_convert"))


def _add_seconds(parser: argparse.ArgumentParser, flag: str, default: float, what: str) -> None:
    """A SECONDS option (zero or more); its help is `what` and the default."""
    parser.add_argument(
        flag,
        type=nonnegative_seconds,
        default=default,
        metavar="SECONDS",
        help=f"{what} (default {default:g})",
    )


def _add_settle(parser: argparse.ArgumentParser) -> None:
    _add_seconds(parser, "--settle", SETTLE_SECONDS, "quiet time before a folder is taken")


def _register_worker(verbs: Any) -> None:
    p = verbs.add_parser(
        "worker", help="run the queue headless; or: worker status|stop|pause|resume"
    )
    add_data_dir(p)
    p.add_argument("--once", action="store_true", help="exit when nothing is queued or running")
    p.add_argument("--books", type=positive_int, help="books at once (default: books_at_once)")
    p.add_argument("--jobs", type=positive_int, help="ffmpeg processes (default: one per core)")
    p.add_argument("--watch", type=Path, metavar="INBOX", help="also watch this inbox")
    p.add_argument(
        "--idle-exit",
        type=nonnegative_seconds,
        metavar="SECONDS",
        help="exit after this long with nothing queued or running (default: "
        "worker_idle_exit, 120; 0: never; --watch: never)",
    )
    p.add_argument(
        "--auto", action="store_true", help="exit at once, quietly, if a worker holds the lock"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="print every log line too")
    _add_settle(p)
    p.set_defaults(func=VerbCommand("worker_verbs", "cmd_worker"))
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    a = actions.add_parser("status", help="live workers, pause state, lock holder, log")
    add_data_dir(a)
    add_json(a)
    a.set_defaults(func=VerbCommand("worker_verbs", "cmd_worker_status"))

    a = actions.add_parser("stop", help="stop a worker; its running books go back to the queue")
    add_data_dir(a)
    a.add_argument("worker", nargs="?", metavar="ID", help="worker id (host:pid) or pid")
    a.add_argument("--all", action="store_true", help="stop every worker of the data dir")
    _add_seconds(a, "--wait", STOP_WAIT_SECONDS, "wait this long for them to stop")
    a.set_defaults(func=VerbCommand("worker_verbs", "cmd_worker_stop"))

    a = actions.add_parser("pause", help="pause the queue: running books finish")
    add_data_dir(a)
    a.add_argument(
        "--stop-running",
        action="store_true",
        help="running books stop now and go back to the queue, their work kept",
    )
    a.set_defaults(func=VerbCommand("worker_verbs", "cmd_worker_pause"))

    a = actions.add_parser("resume", help="let the workers claim books again")
    add_data_dir(a)
    a.set_defaults(func=VerbCommand("worker_verbs", "cmd_worker_resume"))


def _register_queue_verbs(verbs: Any) -> None:
    p = verbs.add_parser("cancel", help="cancel a queued or running job (id or unique prefix)")
    add_data_dir(p)
    p.add_argument("id")
    _add_seconds(p, "--wait", CANCEL_WAIT_SECONDS, "wait this long for a running job to stop")
    p.set_defaults(func=VerbCommand("queue_verbs", "cmd_cancel"))

    p = verbs.add_parser("retry", help="queue a failed or cancelled job again")
    add_data_dir(p)
    p.add_argument("id")
    p.set_defaults(func=VerbCommand("queue_verbs", "cmd_retry"))

    p = verbs.add_parser("watch", help="turn new audio folders in an inbox into queued jobs")
    add_data_dir(p)
    p.add_argument("inbox", nargs="?", type=Path, metavar="INBOX", help="default: inbox_dir")
    _add_settle(p)
    p.set_defaults(func=VerbCommand("queue_verbs", "cmd_watch"))


def _register_chapters(verbs: Any) -> None:
    p = verbs.add_parser("chapters", help="print a book's chapters, or set them from a file")
    p.add_argument("book", type=Path, metavar="BOOK.m4b")
    p.add_argument("--format", choices=CHAPTER_FORMATS, default="txt", help="output format (txt)")
    p.add_argument("--set", type=Path, metavar="FILE", help="replace the chapters from FILE")
    p.set_defaults(func=VerbCommand("chapters_verb", "cmd_chapters"))


def _register_lookup(verbs: Any) -> None:
    p = verbs.add_parser(
        "lookup",
        help="find a book's tags, cover and chapters by ASIN, ISBN or title",
        description="Find a book by ASIN (Audnexus), ISBN or title and author (Open "
        "Library). Answers are kept in the database for 30 days.",
    )
    add_data_dir(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--asin", help="Audible ASIN, e.g. B079LRSMNN")
    which.add_argument("--isbn", help="ISBN-10 or ISBN-13 (hyphens allowed)")
    which.add_argument("--title", help="title to search for")
    p.add_argument("--author", help="author, with --title")
    p.add_argument("--chapters", action="store_true", help="list the chapters found")
    p.add_argument(
        "--no-intro",
        action="store_true",
        help="the audio has no Audible intro: chapters start that much earlier",
    )
    p.add_argument(
        "--save-chapters",
        type=Path,
        metavar="FILE",
        help="write the chapters found as a chapter file (Audible-style JSON) for --chapters",
    )
    p.add_argument(
        "--save-cover", action="store_true", help="download the covers to the data dir's covers/"
    )
    add_json(p)
    p.set_defaults(func=VerbCommand("lookup_verb", "cmd_lookup"))


def _register_workers(verbs: Any) -> None:
    p = verbs.add_parser("workers", help="live workers of the queue, on every host")
    add_data_dir(p)
    add_json(p)
    p.set_defaults(func=VerbCommand("fleet_verbs", "cmd_workers"))
