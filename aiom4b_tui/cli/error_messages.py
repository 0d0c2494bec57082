"""Failures told in a person's words, one line each: an error of the database or the
settings as a CliError (`as_cli_error`), a refused value as the folder or setting it is
about rather than a field name (`validation_message`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from aiom4b_tui.cli.args import EXIT_FAILURE, EXIT_USAGE, CliError
from aiom4b_tui.config.settings import SettingsError
from aiom4b_tui.store.database.errors import explain

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


def as_cli_error(
    exc: BaseException, data_dir: Path | None, busy_timeout: float | None = None
) -> BaseException:
    """`exc` as a CliError when store/database/errors.py can tell it in a sentence, else
    itself (a bug stays a traceback). A bad setting exits 2, anything else 1."""
    if isinstance(exc, CliError):
        return exc
    message = explain(exc, data_dir, busy_timeout=busy_timeout)
    if message is None:
        return exc
    return CliError(message, EXIT_USAGE if isinstance(exc, SettingsError) else EXIT_FAILURE)
