"""What a verb works on once it runs: the data dir's settings, its database and job
service (`open_context`), and the job a person named (`find_job`); their failures as
one-sentence CliErrors (cli/error_messages.py)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiom4b_tui.cli.args import EXIT_USAGE, CliError
from aiom4b_tui.cli.cli_settings import load_cli_settings
from aiom4b_tui.cli.error_messages import as_cli_error
from aiom4b_tui.config.settings import Settings
from aiom4b_tui.store.database.db import Database, open_settings_database
from aiom4b_tui.store.jobs import AmbiguousJobIdError, JobNotFoundError, JobService
from aiom4b_tui.store.models import JobDB


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
