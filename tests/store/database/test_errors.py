"""The database's failures told in one sentence: real SQLite errors (a file that is not a
database, a read-only one, a held lock), the disk and the OS, settings, errors wrapped by
SQLAlchemy or raised from another; and a bug is left to be shown as one."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import exc as sa_exc

from aiom4b_tui.config.settings import Settings, SettingsError
from aiom4b_tui.store.database.db import DB_FILE, DatabaseError, DatabaseTooNewError
from aiom4b_tui.store.database.errors import disk_is_full, explain, holders_of, locked_message


def _sqlite_error(path: Path, sql: str, *, timeout: float = 0.0) -> sqlite3.Error:
    """The error real SQLite raises for `sql` on the file at `path`."""
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        conn.execute(sql)
    except sqlite3.Error as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError(f"{sql} did not fail")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def test_a_bug_is_left_alone():
    assert explain(KeyError("x"), None) is None
    assert explain(RuntimeError("boom"), Path("/d")) is None
    assert explain(OSError(errno.EBADF, "Bad file descriptor"), None) is None


def test_a_file_that_is_not_a_database(data: Path):
    (data / DB_FILE).write_bytes(b"this is no database, only some text" * 100)
    error = _sqlite_error(data / DB_FILE, "SELECT * FROM jobs")
    message = explain(error, data)
    assert message == (
        f"{data / DB_FILE} is not a database (corrupt?): restore a copy from "
        f"{data / 'backup'}/ or move it away (a new one is made), then try again"
    )


def test_a_read_only_database(data: Path):
    path = data / DB_FILE
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE jobs (id)")
    conn.close()
    readonly = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.Error) as caught:
            readonly.execute("INSERT INTO jobs VALUES (1)")
    finally:
        readonly.close()
    assert explain(caught.value, data) == (
        f"{path} is read-only: check its owner and permissions (and those of {data})"
    )


def test_a_lock_held_by_another_process_names_it(data: Path):
    path = data / DB_FILE
    sqlite3.connect(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"conn = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "conn.execute('BEGIN IMMEDIATE')\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        error = _sqlite_error(path, "BEGIN IMMEDIATE")
        assert [pid for pid, _command in holders_of(path)] == [holder.pid]
        message = explain(error, data, busy_timeout=2.5)
    finally:
        holder.communicate("")
    assert message is not None
    assert message.startswith(f"the database is locked by another process (pid {holder.pid}, `")
    assert message.endswith("for more than 2.5 s: wait for it to finish or stop it, then try again")


def test_a_lock_with_nobody_to_name():
    message = locked_message(Path("/nowhere/aiom4b.db"), 30)
    assert message == (
        "the database is locked by another process for more than 30 s: "
        "wait for it to finish or stop it, then try again"
    )


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (OSError(errno.ENOSPC, "No space left"), "the disk holding {data} is full"),
        (
            OSError(errno.EACCES, "Permission denied", "/books/x"),
            "cannot write /books/x (Permission denied): check its owner and permissions",
        ),
        (
            OSError(errno.ENOENT, "No such file", "/gone"),
            "/gone does not exist (deleted or unmounted?): check {data}",
        ),
        (OSError(errno.EIO, "I/O error"), "the disk holding {data} failed to read or write"),
    ],
)
def test_the_disk_and_the_os(data: Path, error: OSError, said: str):
    message = explain(error, data)
    assert message is not None and message.startswith(said.format(data=data)), message


def test_a_database_file_this_user_may_not_create_is_named_as_the_database(data: Path):
    db_path = data / DB_FILE
    denied = OSError(errno.EACCES, "Permission denied", str(db_path))
    assert explain(denied, data) == (
        f"cannot create the database {db_path} (Permission denied): check the owner and "
        f"permissions of {data}"
    )
    folder = OSError(errno.EACCES, "Permission denied", str(data))
    assert explain(folder, data).startswith(f"cannot open the database {db_path}: cannot write")


def test_wrapped_or_raised_from_another_the_cause_is_told(data: Path):
    full = OSError(errno.ENOSPC, "No space left")
    wrapped = sa_exc.OperationalError("INSERT INTO jobs", {}, full)
    assert explain(wrapped, data).startswith(f"the disk holding {data} is full")
    try:
        try:
            raise full
        except OSError as exc:
            raise RuntimeError("writing failed") from exc
    except RuntimeError as raised:
        assert explain(raised, data).startswith(f"the disk holding {data} is full")


def test_the_store_and_settings_errors_say_their_own_words(data: Path):
    assert explain(DatabaseTooNewError("made by a newer aiom4b"), data) == (
        "made by a newer aiom4b"
    )
    assert explain(DatabaseError("cannot create the database"), data) == (
        "cannot create the database"
    )
    assert explain(SettingsError("bad config.toml"), data) == "bad config.toml"
    with pytest.raises(ValidationError) as caught:
        Settings(data_dir=data, books_at_once=0)
    said = explain(caught.value, data)
    assert said.startswith("bad setting books_at_once (0): ")
    assert said.endswith(f"fix it in {data / 'config.toml'} or in its AIOM4B_ variable")
    no_connection = sa_exc.TimeoutError("QueuePool limit reached")
    assert explain(no_connection, data) == "no database connection came free in time: try again"


def test_a_disk_is_full_below_the_reserve(tmp_path: Path):
    assert not disk_is_full(tmp_path, reserve=0)
    assert disk_is_full(tmp_path / "not" / "made", reserve=1 << 62)  # its nearest parent
    free = os.statvfs(tmp_path)
    assert not disk_is_full(tmp_path, reserve=free.f_bavail * free.f_frsize // 2)
