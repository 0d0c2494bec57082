"""Several hosts on one PostgreSQL queue: worker processes with different host ids and
path maps (the library reached through a different symlink on each), the real ffmpeg,
a real server. Books are converted once each, a killed worker's book is finished by
another after its lease, and the workers ride out a stopped server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from aiom4b_tui.store.database.db import Database, open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobDB, JobOptions, JobStatus
from tests.helpers.postgres_cluster import PgCluster
from tests.helpers.workers import ROOT, aiom4b, cli_env, make_book, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
WORKER = (sys.executable, "-m", "aiom4b_tui")


@dataclass
class Fleet:
    """A library, the path jobs are added with, and the workers ("hosts") working it."""

    root: Path
    url: str
    service: JobService
    db: Database
    origin: Path  # the adder's view of the library (removed once the jobs are queued)
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)

    def host_view(self, host: str) -> Path:
        """This host's own path to the library: a symlink of its own."""
        return self.root / "hosts" / host

    def add_books(self, books: list[Path]) -> list[JobDB]:
        """Queue one job per book folder (given as the adder's paths)."""
        out = self.origin / "out"
        options = JobOptions(output_dir=out, encoder="aac")
        return [
            self.service.create_job(
                JobCreate(input_folders=[self.origin / b.name], options=options)
            )
            for b in books
        ]

    def start(self, host: str, *, lease: float = 60, books: int = 1) -> subprocess.Popen:
        """A worker as host `host`: its own data dir, host id, path map and lease."""
        view = self.host_view(host)
        view.parent.mkdir(exist_ok=True)
        if not view.exists():
            view.symlink_to(self.root / "library")
        env = {
            **cli_env(),
            "AIOM4B_DATABASE_URL": self.url,
            "AIOM4B_HOST_ID": host,
            "AIOM4B_PATH_MAP": json.dumps({str(self.origin): str(view)}),
            "AIOM4B_LEASE_SECONDS": str(lease),
            "AIOM4B_BOOKS_AT_ONCE": str(books),
        }
        data = self.root / f"data-{host}"
        log = open(self.root / f"{host}.log", "ab")  # noqa: SIM115 - the worker keeps it
        with log:
            worker = subprocess.Popen(
                [*WORKER, "--data-dir", str(data), "worker", "--idle-exit", "0", "--jobs", "1"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=ROOT,
                start_new_session=True,  # SIGKILL of its group: the host is gone
            )
        self.workers[host] = worker
        return worker

    def log_of(self, host: str) -> str:
        """What a worker printed."""
        path = self.root / f"{host}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        """Every worker's output, for failure messages."""
        return "\n".join(f"--- {h}\n{self.log_of(h)[-2500:]}" for h in self.workers)

    def stop_all(self) -> None:
        """Stop the workers (SIGTERM, then SIGKILL their groups)."""
        for worker in self.workers.values():
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers.values():
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()

    def wait_all_completed(self, jobs: list[JobDB], timeout: float) -> list[JobDB]:
        """Wait until every job completed (failing at once if one failed)."""

        def done() -> list[JobDB] | None:
            rows = [self.service.get_job(job.id) for job in jobs]
            failed = [r for r in rows if r.status in (JobStatus.FAILED, JobStatus.CANCELLED)]
            assert not failed, f"{failed[0].status}: {failed[0].log}\n{self.logs()}"
            return rows if all(r.status is JobStatus.COMPLETED for r in rows) else None

        try:
            return wait_for(done, timeout=timeout, every=0.5)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.logs()}") from exc


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of audio in two files."""
    return make_book(tmp_path_factory.mktemp("tiny") / "Tiny", files=2, seconds=1)


@pytest.fixture(scope="module")
def long_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three minutes of audio: several seconds of work, in more than one segment."""
    return make_book(tmp_path_factory.mktemp("long") / "Long", files=3, seconds=60)


@pytest.fixture
def fleet(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    # Short paths under /tmp: the symlinks stand for mounts on different hosts.
    root = tmp_path_factory.mktemp("fleet")
    (root / "library" / "out").mkdir(parents=True)
    origin = root / "origin"
    origin.symlink_to(root / "library")
    db = open_database(root / "data-adder", url=pg_url)
    fleet = Fleet(root, pg_url, JobService(db), db, origin)
    try:
        yield fleet
    finally:
        fleet.stop_all()
        db.close()


def _copy_books(fleet: Fleet, source: Path, count: int, prefix: str) -> list[Path]:
    books = []
    for i in range(count):
        folder = fleet.root / "library" / f"{prefix} {i:02d}"
        shutil.copytree(source, folder)
        books.append(folder)
    return books


def _queue_then_hide_origin(fleet: Fleet, books: list[Path]) -> list[JobDB]:
    jobs = fleet.add_books(books)
    # From now on the jobs' own paths lead nowhere: only a path map finds the books.
    fleet.origin.unlink()
    return jobs


def test_three_hosts_convert_thirty_books_exactly_once(fleet: Fleet, tiny_book: Path):
    jobs = _queue_then_hide_origin(fleet, _copy_books(fleet, tiny_book, 30, "Book"))
    for host, books in (("host-a", 1), ("host-b", 2), ("host-c", 1)):
        fleet.start(host, books=books)

    # Listed as a client that has the password in its URL (trust auth ignores it).
    secret = "s3cr3t-pw"
    with_password = fleet.url.replace("postgres@", f"postgres:{secret}@", 1)
    assert secret in with_password

    def three_listed() -> tuple[str, dict] | None:
        said = aiom4b(fleet.root / "data-a", "workers", "--json", "--database-url", with_password)
        data = json.loads(said.stdout)
        return (said.stdout + said.stderr, data) if len(data["workers"]) == 3 else None

    printed, listed = wait_for(three_listed, timeout=60)
    by_host = {w["host"]: w for w in listed["workers"]}
    assert sorted(by_host) == ["host-a", "host-b", "host-c"]
    # Each host's limits come from its own settings.
    assert by_host["host-b"]["books_at_once"] == 2 and by_host["host-a"]["books_at_once"] == 1
    assert by_host["host-c"]["path_map"] == {str(fleet.origin): str(fleet.host_view("host-c"))}
    assert listed["database"].startswith("postgresql+psycopg://postgres:***@")
    assert secret not in printed

    rows = fleet.wait_all_completed(jobs, timeout=240)
    assert all(r.log.count("started by") == 1 for r in rows), fleet.logs()
    hosts = {r.worker.rpartition(":")[0] for r in rows}
    assert len(hosts) >= 2, "the books were not shared out"
    outputs = {r.output_file for r in rows}
    assert len(outputs) == 30
    for output in outputs:
        # Written through the worker's own view of the library, not the adder's path.
        assert output.startswith(str(fleet.root / "hosts")), output
        assert Path(output).is_file()
    assert sorted(p.name for p in (fleet.root / "library" / "out").glob("*.m4b")) == sorted(
        Path(p).name for p in outputs
    )
    assert all(w.poll() is None for w in fleet.workers.values()), fleet.logs()


def test_a_killed_hosts_book_is_finished_by_another_after_its_lease(fleet: Fleet, long_book: Path):
    (job,) = _queue_then_hide_origin(fleet, _copy_books(fleet, long_book, 1, "Long"))
    first = fleet.start("host-a", lease=4)

    def running_with_progress() -> bool:
        row = fleet.service.get_job(job.id)
        assert row.status in (JobStatus.QUEUED, JobStatus.RUNNING), row.log
        # Past its first segment (20 s of 180), which is then in the shared work folder.
        return row.status is JobStatus.RUNNING and row.progress > 0.35

    wait_for(running_with_progress, timeout=120, every=0.1)
    os.killpg(first.pid, signal.SIGKILL)  # the host is gone, ffmpeg and all
    first.wait()
    killed_at = time.monotonic()
    assert fleet.service.get_job(job.id).worker.startswith("host-a:")

    fleet.start("host-b", lease=4)
    (row,) = fleet.wait_all_completed([job], timeout=180)
    assert time.monotonic() - killed_at >= 4, "taken back before its lease expired"
    assert row.worker.startswith("host-b:")
    assert "recovered: worker host-a:" in row.log, row.log
    assert row.log.count("started by") == 2
    assert "resuming:" in row.log, row.log  # from host-a's finished segments
    assert Path(row.output_file).is_file()


def test_workers_wait_out_a_stopped_server_and_finish_every_book_once(
    fleet: Fleet, pg_cluster: PgCluster, long_book: Path
):
    jobs = _queue_then_hide_origin(fleet, _copy_books(fleet, long_book, 4, "Long"))
    for host in ("host-a", "host-b", "host-c"):
        fleet.start(host)
    # Every worker mid-book (started and registered: a worker that cannot reach its
    # database at start exits, for its service manager to start again).
    wait_for(
        lambda: (
            sum(
                r.status is JobStatus.RUNNING and r.progress > 0
                for r in (fleet.service.get_job(j.id) for j in jobs)
            )
            == 3
        ),
        timeout=120,
        every=0.1,
    )
    pg_cluster.stop()
    try:
        time.sleep(20)
        assert all(w.poll() is None for w in fleet.workers.values()), fleet.logs()
    finally:
        pg_cluster.start()
    rows = fleet.wait_all_completed(jobs, timeout=240)
    assert all(r.log.count("started by") == 1 for r in rows), [r.log for r in rows]
    assert all(w.poll() is None for w in fleet.workers.values()), fleet.logs()
    assert len({r.output_file for r in rows}) == 4
