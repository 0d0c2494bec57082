"""A job row's JSON fields decoded (folders, options), what is wrong with a row, and the
title a listing shows: shared by the SQLModel row (store/models.py) and the light read path
(store/light_read.py), so both say the same about the same row.

pydantic (through job_options/model.py) is imported only when a row has options to decode, so
listing jobs that have none needs no pydantic at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from aiom4b_tui.store.status import JobStatus

if TYPE_CHECKING:
    from aiom4b_tui.job_options.model import JobOptions


class BadRowError(ValueError):
    """A row's field cannot be decoded (hand-edited, or written by another version)."""


def decode_folders(input_folders: str) -> list[Path]:
    """The input folders, decoded from their JSON; BadRowError when they do not."""
    try:
        value = json.loads(input_folders)
    except (TypeError, ValueError) as exc:
        raise BadRowError(f"input_folders is not JSON ({_short(input_folders)})") from exc
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise BadRowError(f"input_folders is not a list of paths ({_short(value)})")
    if not value:
        raise BadRowError("input_folders is empty")
    return [Path(p) for p in value]


def decode_options(options: str | None) -> JobOptions:
    """A job's options, decoded from their JSON (defaults when none); BadRowError when
    they do not decode."""
    from aiom4b_tui.job_options.model import JobOptions

    if not options:
        return JobOptions()
    try:
        return JobOptions.model_validate_json(options)
    except ValueError as exc:  # pydantic's ValidationError is one
        raise BadRowError(f"options cannot be read ({_short(options)})") from exc


def row_problem(status: object, input_folders: str, options: str | None) -> str | None:
    """What is wrong with a row ("status 'bogus'", ...), None when it is sound; `status`
    as read (a JobStatus, or an UnknownStatus)."""
    problems = []
    if not isinstance(status, JobStatus):
        problems.append(f"status {str(status)!r}")
    try:
        decode_folders(input_folders)
    except BadRowError as exc:
        problems.append(str(exc))
    if options:  # none: the defaults, which always decode
        try:
            decode_options(options)
        except BadRowError as exc:
            problems.append(str(exc))
    return "; ".join(problems) or None


def display_title(title: str | None, input_folders: list[Path], job_id: UUID) -> str:
    """The title, else the first folder's name, else the id."""
    if title:
        return title
    return input_folders[0].name if input_folders else str(job_id)


def _short(value: object, limit: int = 40) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"
