"""Set-up shared by the tests that run worker processes on real books: a queue in a fresh
data dir, workers started and reaped, a one-second book."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aiom4b_tui.store.jobs import JobService
from tests.helpers.workers import make_book, open_service, start_aiom4b

StartWorker = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[tuple[Path, JobService, Path]]:
    """A data dir, its JobService, and the output folder for the books: (data, service, out)."""
    data = tmp_path / "data"
    _settings, db, service = open_service(data)
    yield data, service, tmp_path / "out"
    db.close()


@pytest.fixture
def started(tmp_path: Path) -> Iterator[StartWorker]:
    """Start `aiom4b worker ARGS` on a data dir, its output in tmp_path/LOG; any still
    running at the end of the test is killed."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(data: Path, *args: str, log: str = "w.log") -> subprocess.Popen[bytes]:
        proc = start_aiom4b(data, "worker", *args, log=tmp_path / log)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book of one one-second file."""
    return make_book(tmp_path_factory.mktemp("tiny") / "Tiny", files=1, seconds=1)
