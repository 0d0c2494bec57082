"""What every verb's parser shares, light enough for `aiom4b --version` to import: the
exit codes, CliError, the --data-dir, --database-url and --json options, argument types.

Nothing here imports the database, the settings or the engine (tests/cli/
test_light_start.py holds `aiom4b --version` and `--help` to that).
"""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report a process ended by SIGINT


class CliError(Exception):
    """A failure to report in one line, with the exit code to leave with."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_data_dir(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """Add --data-dir; on a verb it does not reset a value given before the verb."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None if top_level else argparse.SUPPRESS,
        help="data dir (database, output, backups); default: $AIOM4B_DATA_DIR, "
        "the checkout's data/, or the user data dir",
    )
    add_database_url(parser, top_level=top_level)


def add_database_url(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """Add --database-url (a shared PostgreSQL queue); every verb that takes --data-dir."""
    parser.add_argument(
        "--database-url",
        default=None if top_level else argparse.SUPPRESS,
        metavar="URL",
        help="postgresql+psycopg://user:password@host/db for a queue shared by several "
        "hosts; default: $AIOM4B_DATABASE_URL, database_url, or the data dir's SQLite file",
    )


def add_json(parser: argparse.ArgumentParser) -> None:
    """Add --json, for verbs that list."""
    parser.add_argument("--json", action="store_true", help="print JSON")


def positive_int(text: str) -> int:
    """argparse type: a whole number of 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def nonnegative_int(text: str) -> int:
    """argparse type: a whole number of 0 or more."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def nonnegative_seconds(text: str) -> float:
    """argparse type: a number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from exc
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value
