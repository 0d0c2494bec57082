"""The checks of a job's option values that the engine applies too (the file name
template, the year), without pydantic: job_options/model.py builds its models on them, and
the engine (naming, plan) imports them from here so that importing it loads no pydantic.
"""

from __future__ import annotations

import datetime as dt
import re
import string

DEFAULT_TEMPLATE = "{author} - {title}"
TEMPLATE_FIELDS = frozenset(
    {"author", "title", "subtitle", "series", "series_part", "narrator", "year", "genre"}
)
_YEAR = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


def check_year(value: str | None) -> str | None:
    """`value` if it is YYYY or a real date YYYY-MM-DD (blank passes); else ValueError."""
    if value is None or not value.strip():
        return value
    value = value.strip()
    if not _YEAR.match(value):
        raise ValueError(f"year must be YYYY or YYYY-MM-DD, not {value!r}")
    if len(value) > 4:
        try:
            dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a date") from exc
    return value


def check_template(value: str) -> str:
    """A file name template: only known {fields}, at least the title or a field."""
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValueError(f"bad file name template {value!r}: {exc}") from exc
    names = [name for _text, name, _spec, _conv in parts if name is not None]
    unknown = sorted({n for n in names if n not in TEMPLATE_FIELDS})
    if unknown:
        known = ", ".join("{" + f + "}" for f in sorted(TEMPLATE_FIELDS))
        raise ValueError(f"unknown field {{{unknown[0]}}} in the template (known: {known})")
    if any(spec or conv for _text, name, spec, conv in parts if name is not None):
        raise ValueError("template fields take no format spec or conversion")
    if not names:
        raise ValueError("the template names no field, e.g. {title}")
    return value
