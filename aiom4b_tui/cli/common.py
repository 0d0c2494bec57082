"""What the verbs share: the --data-dir option, opening the database, errors, output."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aiom4b_tui.core import file_modes
from aiom4b_tui.core.db import Database, open_settings_database
from aiom4b_tui.core.db_errors import explain
from aiom4b_tui.core.jobs import AmbiguousJobIdError, JobNotFoundError, JobService
from aiom4b_tui.core.models import JobDB
from aiom4b_tui.core.settings import Settings, SettingsError, load_settings

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


# Fields whose messages already name the folder or file: no field name in front.
_SELF_NAMING_FIELDS = frozenset({"input_folders"})
# What a person calls the other fields.
_FIELD_WORDS = {"output_dir": "output folder", "output_name": "name", "options": ""}


def validation_message(exc: ValidationError) -> str:
    """A pydantic error as one line per problem, in a person's words, not field names."""
    parts = []
    for error in exc.errors():
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        loc = [str(p) for p in error.get("loc", ()) if not isinstance(p, int)]
        if any(p in _SELF_NAMING_FIELDS for p in loc):
            parts.append(message)
            continue
        words = [_FIELD_WORDS.get(p, p.replace("_", " ")) for p in loc]
        where = " ".join(w for w in words if w)
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def iso_time(value: datetime | None) -> str | None:
    """The one timestamp format of every JSON output: ISO 8601 in UTC, ending in 'Z'
    ("2026-11-30T10:46:41.123456Z"). Naive datetimes (as SQLite returns them) are UTC."""
    if value is None:
        return None
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.replace(tzinfo=None).isoformat() + "Z"


@dataclass
class Context:
    """An open data dir: settings, database and job service."""

    settings: Settings
    db: Database
    service: JobService


def load_cli_settings(data_dir: Path | None, **overrides: Any) -> Settings:
    """The settings for a verb or the TUI; a bad config is a CliError (exit 2). The
    modes of the books and folders this process writes are taken from them."""
    try:
        settings = load_settings(data_dir, **overrides)
    except SettingsError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    file_modes.configure(settings.file_mode, settings.dir_mode)
    return settings


def open_cli_database(settings: Settings) -> Database:
    """The job database for these settings; its failures as one-sentence CliErrors."""
    try:
        return open_settings_database(settings)
    except Exception as exc:
        raise as_cli_error(exc, settings.data_dir, settings.db_busy_timeout) from exc


def as_cli_error(
    exc: BaseException, data_dir: Path | None, busy_timeout: float | None = None
) -> BaseException:
    """`exc` as a CliError when core/db_errors.py can tell it in a sentence, else itself."""
    if isinstance(exc, CliError):
        return exc
    message = explain(exc, data_dir, busy_timeout=busy_timeout)
    if message is None:
        return exc
    return CliError(message, EXIT_USAGE if isinstance(exc, SettingsError) else EXIT_FAILURE)


@contextmanager
def open_context(args: argparse.Namespace, **overrides: Any) -> Iterator[Context]:
    """Settings and database for a verb; their errors (opening them or while the verb
    uses them: a lock, a full disk) become one-sentence CliErrors."""
    url = getattr(args, "database_url", None)
    settings = load_cli_settings(getattr(args, "data_dir", None), database_url=url, **overrides)
    if url:
        # A worker this verb starts (add, worker resume) works the same queue.
        os.environ["AIOM4B_DATABASE_URL"] = url
    db = open_cli_database(settings)
    try:
        yield Context(settings, db, JobService(db))
    except Exception as exc:
        error = as_cli_error(exc, settings.data_dir, settings.db_busy_timeout)
        if error is exc:
            raise
        raise error from exc
    finally:
        db.close()


def find_job(service: JobService, id_or_prefix: str) -> JobDB:
    """The job a person named by id or unique prefix; CliError (exit 2) otherwise."""
    try:
        return service.find_job(id_or_prefix)
    except (JobNotFoundError, AmbiguousJobIdError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_time(value)
    return str(value)


def _escape_controls(text: str) -> str:
    # json.dumps escapes C0 controls itself; DEL, C1 controls (a lone CSI is an escape
    # sequence on some terminals) and text-reordering marks are escaped here.
    return "".join(
        f"\\u{ord(ch):04x}" if 0x7F <= ord(ch) <= 0x9F or 0x202A <= ord(ch) <= 0x202E else ch
        for ch in text
    )


def print_json(data: Any) -> None:
    """Print `data` as indented JSON (datetimes as iso_time, paths and ids as strings);
    no control character is printed raw (all are JSON escapes)."""
    print(_escape_controls(json.dumps(data, indent=2, default=_json_default, ensure_ascii=False)))


def positive_int(text: str) -> int:
    """argparse type: a whole number of 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
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
