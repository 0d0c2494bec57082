"""The database's and the configuration's failures told in one sentence: what is wrong
and what to do. The one place that turns SQLite, SQLAlchemy, OS and settings errors into
words (a bad setting's words are config/errors.py's); the CLI (and the TUI's start) print
its answer instead of a traceback.

    message = explain(exc, data_dir)   # None: not one of ours (a bug: let it raise)
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import exc as sa_exc

from aiom4b_tui.config.errors import settings_message
from aiom4b_tui.config.settings import SettingsError
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.database.db import (
    DB_FILE,
    DatabaseError,
    DatabaseTooNewError,
    default_busy_timeout,
)

# SQLite's primary result codes (sqlite3.h).
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
SQLITE_READONLY = 8
SQLITE_BUSY = 5
SQLITE_LOCKED = 6

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, what it wraps (SQLAlchemy's .orig) and what caused it, in that order."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return int(code) & 0xFF if isinstance(code, int) else None


def _text(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def explain(
    exc: BaseException, data_dir: Path | None, *, busy_timeout: float | None = None
) -> str | None:
    """One sentence for a failure of the database, the disk under it or the settings;
    None when `exc` is none of those (a bug, to be shown as one). `busy_timeout` is the
    one the database was opened with (Settings.db_busy_timeout), for a lock's message."""
    data = Path(data_dir) if data_dir else None
    db_path = data / DB_FILE if data else Path(DB_FILE)
    for cause in _chain(exc):
        message = _explain_one(cause, data, db_path, busy_timeout)
        if message is not None:
            return message
    return None


def _explain_one(
    exc: BaseException, data: Path | None, db_path: Path, busy_timeout: float | None
) -> str | None:
    where = str(data) if data else "the data dir"
    if isinstance(exc, SettingsError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return settings_message(exc, data)
    if isinstance(exc, DatabaseTooNewError):
        return str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        return _unwritable_database(exc, db_path) or _os_message(exc, where)
    if isinstance(exc, sqlite3.Error):
        return _sqlite_message(exc, where, db_path, busy_timeout)
    if isinstance(exc, DatabaseError) and exc.__cause__ is None:
        return str(exc)
    if isinstance(exc, sa_exc.TimeoutError):
        return "no database connection came free in time: try again"
    return None


def _unwritable_database(exc: OSError, db_path: Path) -> str | None:
    """The database file, or a folder it needs, that this user may not create: named
    with the database, since that is what could not be opened."""
    if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS) or not exc.filename:
        return None
    name = Path(exc.filename)
    if name == db_path:
        return (
            f"cannot create the database {db_path} ({exc.strerror}): check the owner and "
            f"permissions of {db_path.parent}"
        )
    if name in db_path.parents:
        what = "write" if name.exists() else "make the folder"
        return (
            f"cannot open the database {db_path}: cannot {what} {name} ({exc.strerror}): "
            "check its owner and permissions"
        )
    return None


def _os_message(exc: OSError, where: str) -> str | None:
    if exc.errno in _FULL_ERRNOS:
        return f"the disk holding {where} is full: free space and try again"
    name = exc.filename or where
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {name} ({exc.strerror}): check its owner and permissions"
    if exc.errno == errno.ENOENT:
        return f"{name} does not exist (deleted or unmounted?): check {where}"
    if exc.errno == errno.EIO:
        return f"the disk holding {where} failed to read or write ({exc.strerror}): check it"
    return None


def _sqlite_message(
    exc: sqlite3.Error, where: str, db_path: Path, busy_timeout: float | None
) -> str | None:
    code = _sqlite_code(exc)
    text = _text(exc).lower()
    if code in (SQLITE_NOTADB, SQLITE_CORRUPT) or "not a database" in text or "malformed" in text:
        return (
            f"{db_path} is not a database (corrupt?): restore a copy from "
            f"{Path(where) / 'backup'}/ or move it away (a new one is made), then try again"
        )
    if code == SQLITE_FULL or "disk is full" in text:
        return f"the disk holding {where} is full: free space and try again"
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in text:
        return locked_message(db_path, busy_timeout)
    if code == SQLITE_READONLY or "readonly" in text:
        return f"{db_path} is read-only: check its owner and permissions (and those of {where})"
    if code == SQLITE_CANTOPEN or "unable to open" in text:
        return f"cannot open {db_path}: check that {where} exists and that you may write in it"
    if code == SQLITE_IOERR or "disk i/o error" in text:
        if disk_is_full(Path(where)):
            # SQLite says "disk I/O error" when it cannot grow its shared-memory file.
            return f"the disk holding {where} is full: free space and try again"
        return (
            f"reading or writing {db_path} failed (disk I/O error): check the disk holding "
            f"{where} (full, gone or failing?)"
        )
    return None


def disk_is_full(path: Path, reserve: int = 64 * 1024) -> bool:
    """True when the file system holding `path` (or its nearest existing parent) has
    less than `reserve` bytes left for us."""
    for candidate in (path, *path.parents):
        try:
            info = os.statvfs(candidate)
        except OSError:
            continue
        return info.f_bavail * info.f_frsize < reserve
    return False


def locked_message(db_path: Path, timeout: float | None = None) -> str:
    """'the database is locked by another process (pid N, `aiom4b worker`) for more than
    30 s: …', naming the processes that have the file open where /proc tells."""
    seconds = timeout if timeout is not None else default_busy_timeout()
    holders = ", ".join(f"pid {pid}, `{cmd}`" for pid, cmd in holders_of(db_path)[:3])
    by = f"another process ({holders})" if holders else "another process"
    return (
        f"the database is locked by {by} for more than {seconds:g} s: "
        "wait for it to finish or stop it, then try again"
    )


def holders_of(path: Path) -> list[tuple[int, str]]:
    """Other processes with `path` (or its -wal/-shm) open: (pid, short command line).

    Read from /proc/*/fd; processes we may not look into are left out.
    """
    try:
        targets = {str(path.resolve()) + suffix for suffix in ("", "-wal", "-shm")}
    except OSError:
        return []
    found: list[tuple[int, str]] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        if _has_open(entry / "fd", targets):
            found.append((int(entry.name), _command(entry)))
    return sorted(found)


def _has_open(fd_dir: Path, targets: set[str]) -> bool:
    try:
        links = list(os.scandir(fd_dir))
    except OSError:
        return False
    for link in links:
        try:
            if os.readlink(link.path) in targets:
                return True
        except OSError:
            continue
    return False


def _command(proc_dir: Path) -> str:
    """'aiom4b worker' for an aiom4b, else the command line, shortened."""
    try:
        args = [
            a.decode("utf-8", "replace")
            for a in (proc_dir / "cmdline").read_bytes().split(b"\0")
            if a
        ]
    except OSError:
        return "?"
    for index, arg in enumerate(args):
        if arg.endswith("aiom4b") or arg == "aiom4b_tui":
            verb = next((a for a in args[index + 1 :] if not a.startswith("-")), "")
            return visible(f"aiom4b {verb}".strip())
    line = " ".join(Path(args[0]).name.split() + args[1:]) if args else "?"
    return visible(line if len(line) <= 60 else line[:59] + "…")
