"""Shared test set-up: every test runs against its own temporary data dir, with the real
ffmpeg at hand; the fixtures of tests/helpers are made available to every test here."""

from __future__ import annotations

from pathlib import Path

import pytest

# PostgreSQL: a throwaway cluster, and `database_url` to run a test on both back ends.
from tests.helpers.postgres_cluster import database_url, pg_cluster, pg_url  # noqa: F401

# Worker processes on real books: a queue in a fresh data dir, workers started and reaped.
from tests.helpers.worker_fixtures import queue, started, tiny_book  # noqa: F401


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir for the test; AIOM4B_DATA_DIR points at it, so nothing a test
    runs can reach the user's data."""
    path = tmp_path / "aiom4b-data"
    monkeypatch.setenv("AIOM4B_DATA_DIR", str(path))
    monkeypatch.delenv("AIOM4B_DATABASE_URL", raising=False)  # SQLite unless a test asks
    # A worker a test starts (e.g. through `aiom4b add`) does not outlive it for long.
    monkeypatch.setenv("AIOM4B_WORKER_IDLE_EXIT", "5")
    # The default (0), whatever the person's environment says; the tests of a lower CPU
    # priority (worker_nice) ask for it themselves.
    monkeypatch.setenv("AIOM4B_WORKER_NICE", "0")
    return path


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    from aiom4b_tui.engine.ffmpeg.run import find_ffmpeg

    return find_ffmpeg()


# Under pytest-xdist (`-n 2 --dist loadgroup`, the README's test command) these files run
# one after another on one xdist worker: each starts worker processes on long books and
# acts mid-conversion with time limits (a cancel ends ffmpeg within 2 s, a lease runs
# out), and each shares its generated books through module-scoped fixtures. Every
# other test is handed out on its own.
WORKER_PROCESS_FILES = frozenset(
    {
        "tests/queue/test_worker_processes.py",
        "tests/queue/test_worker_resume.py",
        "tests/cli/test_worker_verbs.py",
        "tests/queue/test_postgres_fleet.py",
        "tests/ui/test_convert_flow.py",
    }
)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.split("::", 1)[0] in WORKER_PROCESS_FILES:
            item.add_marker(pytest.mark.xdist_group("worker-processes"))
