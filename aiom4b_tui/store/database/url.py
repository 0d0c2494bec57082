"""The database as a URL: which back end it names, and how to show it without its secret.

Unset means the SQLite file in the data dir; `postgresql+psycopg://…` means a queue shared
by several hosts. Every place that shows a URL (logs, `stats`, errors, the TUI) shows
`redact_url(url)`, never the URL itself: it may carry a password.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

POSTGRES_DRIVER = "postgresql+psycopg"
_HIDDEN = "***"
# A password given as a query parameter (?password=…), whatever the driver.
_QUERY_SECRET = re.compile(r"(?i)([?&](?:password|passwd|sslpassword)=)[^&#]*")
# user:password@ in anything that looks like a URL, for text that may not parse.
_USERINFO_SECRET = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


class DatabaseUrlError(ValueError):
    """The database URL cannot be used; the message shows it redacted."""


def sqlite_url(path: Path) -> str:
    """The URL of the SQLite file at `path`."""
    return f"sqlite:///{path}"


def parse_url(url: str) -> URL:
    """`url` parsed; PostgreSQL URLs without a driver get psycopg (version 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"not a database URL: {redact_url(url)}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=POSTGRES_DRIVER)
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(
            f"unsupported database {parsed.get_backend_name()!r} in {redact_url(url)}: "
            "use postgresql+psycopg://… (or leave database_url unset for SQLite)"
        )
    return parsed


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite `url` names (`sqlite:///relative.db`, `sqlite:////abs.db`); None
    when `url` names PostgreSQL. DatabaseUrlError for a SQLite URL that names no file
    (in memory: the jobs would be gone when the command ends)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise DatabaseUrlError(f"{redact_url(url)} names no database file")
    return Path(parsed.database).expanduser()


def is_postgres(url: str | URL) -> bool:
    """True when `url` names a PostgreSQL database."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    return parsed.get_backend_name() == "postgresql"


def redact_url(url: str | URL | None) -> str:
    """`url` with any password replaced by `***` (safe for logs, errors and screens)."""
    if url is None:
        return ""
    if isinstance(url, URL):
        text = url.render_as_string(hide_password=True)
    else:
        try:
            text = make_url(url).render_as_string(hide_password=True)
        except ArgumentError:
            text = url
    text = _USERINFO_SECRET.sub(rf"\g<1>{_HIDDEN}@", text)
    return _QUERY_SECRET.sub(rf"\g<1>{_HIDDEN}", text)


def redact_text(text: str, url: str | URL | None) -> str:
    """`text` (an error message, say) with the password of `url` blanked wherever it
    appears, and any user:password@ of a URL in it too."""
    if url is not None:
        try:
            parsed = url if isinstance(url, URL) else make_url(url)
        except ArgumentError:
            parsed = None
        password = parsed.password if parsed is not None else None
        if password:
            text = text.replace(str(password), _HIDDEN)
    text = _USERINFO_SECRET.sub(rf"\g<1>{_HIDDEN}@", text)
    return _QUERY_SECRET.sub(rf"\g<1>{_HIDDEN}", text)
