"""The JSON every verb prints with --json: one timestamp format, no raw control character.

Standard library only, so the light read path of `jobs` and `stats` prints with it too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def iso_time(value: datetime | None) -> str | None:
    """The one timestamp format of every JSON output: ISO 8601 in UTC, ending in 'Z'
    ("2026-11-30T10:46:41.123456Z"). Naive datetimes (as SQLite returns them) are UTC."""
    if value is None:
        return None
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.replace(tzinfo=None).isoformat() + "Z"


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
