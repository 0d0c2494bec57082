"""`aiom4b worker` started against a database it cannot reach: exit 1 at once with one
line that names the database (its password hidden) and says what failed, no traceback.

PostgreSQL: a real URL to a TCP port nothing listens on, and a host that does not
resolve. SQLite: a data dir inside a read-only folder, and the read-only folder itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiom4b_tui.store.database.db import DB_FILE

pytestmark = pytest.mark.integration

SECRET = "s3cret-Pa55"


def run_worker(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`aiom4b worker` (no --once: only a failed start may end it this soon)."""
    return subprocess.run(
        [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), "worker", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert SECRET not in result.stderr + result.stdout
    return lines[0]


def free_port() -> int:
    """A local TCP port nothing listens on (bound, then let go)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_postgresql_server_that_is_down(data_dir: Path):
    port = free_port()
    url = f"postgresql+psycopg://aiom4b:{SECRET}@127.0.0.1:{port}/aiom4b"
    result = run_worker(data_dir, "--database-url", url)
    assert_one_line(
        result,
        "cannot open the database",
        f"postgresql+psycopg://aiom4b:***@127.0.0.1:{port}/aiom4b",
        "Connection refused",
    )


def test_a_postgresql_host_that_does_not_resolve(data_dir: Path):
    url = f"postgresql+psycopg://aiom4b:{SECRET}@no-such-host.invalid/aiom4b"
    result = run_worker(data_dir, "--database-url", url)
    assert_one_line(
        result,
        "cannot open the database postgresql+psycopg://aiom4b:***@no-such-host.invalid/aiom4b",
        "no-such-host.invalid",
    )


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write in: a read-only tmpfs as root (root writes anywhere
    else), a folder of mode 0500 otherwise."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,mode=0700,size=1m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_data_dir_inside_a_read_only_folder(read_only_folder: Path):
    data_dir = read_only_folder / "aiom4b"
    result = run_worker(data_dir)
    assert_one_line(
        result,
        f"cannot open the database {data_dir / DB_FILE}",
        f"cannot make the folder {data_dir}",
        "check its owner and permissions",
    )
    assert not data_dir.exists()


def test_a_data_dir_that_is_a_read_only_folder(read_only_folder: Path):
    result = run_worker(read_only_folder)
    assert_one_line(
        result,
        f"cannot create the database {read_only_folder / DB_FILE}",
        f"check the owner and permissions of {read_only_folder}",
    )
    assert not (read_only_folder / DB_FILE).exists()
