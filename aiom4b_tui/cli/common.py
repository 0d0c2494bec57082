"""What the verbs share when they run: settings, the database, errors as sentences, output
(the parser's part, and CliError, live in cli/args.py; the JSON output in
cli/json_output.py)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aiom4b_tui.cli.args import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_data_dir,
    add_database_url,
    add_json,
    nonnegative_seconds,
    positive_int,
)
from aiom4b_tui.cli.cli_settings import load_cli_settings
from aiom4b_tui.cli.json_output import iso_time, print_json
from aiom4b_tui.config.settings import Settings, SettingsError
from aiom4b_tui.store.database.db import Database, open_settings_database
from aiom4b_tui.store.database.errors import explain
from aiom4b_tui.store.jobs import AmbiguousJobIdError, JobNotFoundError, JobService
from aiom4b_tui.store.models import JobDB

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


@dataclass
class Context:
    """An open data dir: settings, database and job service."""

    settings: Settings
    db: Database
    service: JobService


def open_cli_database(settings: Settings) -> Database:
    """The job database for these settings; its failures as one-sentence CliErrors."""
    try:
        return open_settings_database(settings)
    except Exception as exc:
        raise as_cli_error(exc, settings.data_dir, settings.db_busy_timeout) from exc


def as_cli_error(
    exc: BaseException, data_dir: Path | None, busy_timeout: float | None = None
) -> BaseException:
    """`exc` as a CliError when store/database/errors.py can tell it in a sentence, else itself."""
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


# The light names of cli/args.py stay importable from here too.
__all__ = [
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "Context",
    "add_data_dir",
    "add_database_url",
    "add_json",
    "as_cli_error",
    "find_job",
    "iso_time",
    "load_cli_settings",
    "nonnegative_seconds",
    "open_cli_database",
    "open_context",
    "positive_int",
    "print_json",
    "validation_message",
]
