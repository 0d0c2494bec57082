"""Every verb, and the TUI's start, on a database or a config that cannot be used: one
sentence, exit 1 (2 for a bad config), no traceback, the database file untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from aiom4b_tui.store.database.db import DB_FILE, open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate
from tests.helpers.audio import make_tone
from tests.helpers.cli import run_aiom4b

pytestmark = pytest.mark.integration


def verbs(book: Path) -> list[list[str]]:
    """Every verb, with arguments it accepts (the TUI: no verb at all)."""
    some_id = str(uuid.uuid4())[:8]
    return [
        ["jobs"],
        ["stats"],
        ["add", str(book)],
        ["rm", some_id],
        ["clear"],
        ["db", "backup"],
        ["worker", "--once"],
        ["cancel", some_id],
        ["retry", some_id],
        ["convert", str(book)],
        ["watch", str(book.parent)],
        [],  # the TUI
    ]


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def assert_one_sentence(result, code: int, *needles: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def a_database(data_dir: Path, book: Path) -> Path:
    service = JobService(open_database(data_dir))
    service.create_job(JobCreate(input_folders=[book]))
    service.db.close()
    return data_dir / DB_FILE


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox" / "Book"
    folder.mkdir(parents=True)
    make_tone(folder / "01.mp3", 0.5)  # `add` refuses a folder without audio before all else
    return folder


def test_a_corrupt_database(data_dir: Path, book: Path):
    data_dir.mkdir(mode=0o700)
    db_path = data_dir / DB_FILE
    db_path.write_bytes(b"this is no database " * 300)
    before = fingerprint(db_path)
    for args in verbs(book):
        result = run_aiom4b(*args, data_dir=data_dir, timeout=120)
        assert_one_sentence(result, 1, "is not a database (corrupt?)", "backup")
        assert fingerprint(db_path) == before, args


def test_a_newer_schema(data_dir: Path, book: Path):
    db_path = a_database(data_dir, book)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    before = fingerprint(db_path)
    for args in verbs(book):
        result = run_aiom4b(*args, data_dir=data_dir, timeout=120)
        assert_one_sentence(result, 1, "newer version of aiom4b", "9999_future")
        assert fingerprint(db_path) == before, args


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ("books_at_once = [", "is not valid TOML"),
        ("books_at_once = 0", "bad setting books_at_once (0)"),
        ('file_mode = "rwx"', "bad setting file_mode"),
    ],
)
def test_a_bad_config(data_dir: Path, book: Path, config: str, needle: str):
    db_path = a_database(data_dir, book)
    (data_dir / "config.toml").write_text(config + "\n")
    before = fingerprint(db_path)
    every = verbs(book) if "TOML" in needle else [["jobs"], ["add", str(book)], []]
    for args in every:
        assert_one_sentence(
            run_aiom4b(*args, data_dir=data_dir, timeout=120), 2, needle, "config.toml"
        )
    assert fingerprint(db_path) == before


def test_a_lock_held_past_the_busy_timeout(data_dir: Path, book: Path):
    db_path = a_database(data_dir, book)
    before = fingerprint(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        env = {"AIOM4B_DB_BUSY_TIMEOUT": "1"}
        result = run_aiom4b("add", book, data_dir=data_dir, env=env, timeout=120)
        assert_one_sentence(
            result,
            1,
            "the database is locked by another process",
            f"pid {os.getpid()}",
            "for more than 1 s",
        )
        # The config file's value is used too.
        (data_dir / "config.toml").write_text("db_busy_timeout = 1.5\n")
        result = run_aiom4b("add", book, data_dir=data_dir, timeout=120)
        assert_one_sentence(result, 1, "for more than 1.5 s")
    finally:
        holder.rollback()
        holder.close()
    assert fingerprint(db_path) == before


def full_tmpfs(tmp_path: Path) -> Path:
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    return mount


def test_a_full_disk_under_the_data_dir(tmp_path: Path, book: Path):
    mount = full_tmpfs(tmp_path)
    try:
        data_dir = mount / "data"
        db_path = a_database(data_dir, book)
        with open(mount / "filler", "wb") as filler:
            try:
                while True:
                    filler.write(bytes(65536))
                    filler.flush()
            except OSError:
                pass
        before = fingerprint(db_path)
        for args in (["jobs"], ["add", str(book)], ["stats"], []):
            assert_one_sentence(
                run_aiom4b(*args, data_dir=data_dir, timeout=120),
                1,
                "is full: free space and try again",
            )
        assert fingerprint(db_path) == before
        empty = mount / "fresh"  # a data dir that cannot even be made
        assert_one_sentence(
            run_aiom4b("jobs", data_dir=empty, timeout=120),
            1,
            "is full: free space and try again",
        )
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
