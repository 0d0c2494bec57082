"""Queue benchmark, run by hand on a quiet machine: `python bench/queue_bench.py`.

Claims per second with 1, 4 and 16 worker processes, each claiming and finishing jobs
through JobService until the queue is empty, on SQLite (a file in a temporary data dir)
and on PostgreSQL (`--database-url`, or a throwaway cluster started like the tests'
when the binaries are installed). A claim here is a whole turn of the queue: claim_next
and the finish_running that ends the job. Then, on 100,000 jobs of every status on both,
`get_jobs(status, 50)` and the idle poll (`any_claimable`, one indexed row) against
`count_by_status` (what idle polling used to ask).

`--claims N` and `--jobs N` make it small (a smoke run: `--claims 40 --jobs 2000
--workers 1 4`).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from aiom4b_tui.store.database.db import open_database  # noqa: E402
from aiom4b_tui.store.jobs import JobService  # noqa: E402
from aiom4b_tui.store.models import JobDB, JobStatus, utcnow  # noqa: E402


def fill(service: JobService, n: int, status: JobStatus | None = None) -> None:
    """Insert n jobs (all queued when `status` is QUEUED, else of every status), in
    batches of one multi-row INSERT each (ORM objects made 100,000 rows take minutes)."""
    now = utcnow()
    statuses = list(JobStatus)
    table = JobDB.__table__  # type: ignore[attr-defined]
    for start in range(0, n, 5000):
        rows = []
        for i in range(start, min(n, start + 5000)):
            when = now - timedelta(seconds=n - i)
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "status": status or random.choice(statuses),
                    "input_folders": json.dumps([f"/books/book {i}"]),
                    "title": f"Book {i}",
                    "options": None,
                    "log": None,
                    "progress": 0.0,
                    "cancel_requested": False,
                    "created_at": when,
                    "updated_at": when,
                }
            )
        with service.db.write_session() as session:
            session.execute(sa.insert(table), rows)
            session.commit()


def _claimer(data_dir: str, url: str | None, name: str, start: Callable, out) -> None:  # type: ignore[type-arg]
    db = open_database(Path(data_dir), url=url, migrate=False)
    service = JobService(db)
    service.count_by_status()  # connected
    out.put("ready")
    start.wait()  # type: ignore[attr-defined]
    claimed = 0
    while (job := service.claim_next(name)) is not None:
        service.finish_running(job.id, name, JobStatus.COMPLETED, ["done"], output_file="/x")
        claimed += 1
    db.close()
    out.put(claimed)


def claims_per_second(data_dir: Path, url: str | None, workers: int, claims: int) -> float:
    """Queue `claims` jobs; time `workers` processes taking (and finishing) them all."""
    db = open_database(data_dir, url=url)
    service = JobService(db)
    fill(service, claims, JobStatus.QUEUED)
    db.close()
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_claimer, args=(str(data_dir), url, f"bench{i}:{i}", start, out))
        for i in range(workers)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:  # every process imported and connected before the clock starts
        assert out.get() == "ready"
    began = time.perf_counter()
    start.set()
    total = sum(out.get() for _ in procs)
    elapsed = time.perf_counter() - began
    for proc in procs:
        proc.join()
    assert total == claims, f"{total} claims for {claims} jobs"
    return claims / elapsed


def _best_of(call: Callable[[], object], times: int = 5) -> float:
    best = float("inf")
    for _ in range(times):
        began = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - began)
    return best


def page_seconds(data_dir: Path, url: str | None, jobs: int) -> dict[str, float]:
    """Best of five, among `jobs` jobs of every status: get_jobs(status=FAILED, limit=50),
    and the idle poll (any_claimable) against what it replaced (count_by_status)."""
    db = open_database(data_dir, url=url)
    service = JobService(db)
    fill(service, jobs)
    timings = {
        "get_jobs(failed, 50)": _best_of(lambda: service.get_jobs(JobStatus.FAILED, 50)),
        "any_claimable()": _best_of(service.any_claimable),
        "count_by_status()": _best_of(service.count_by_status),
    }
    db.close()
    return timings


@contextmanager
def postgres(url: str | None) -> Iterator[Callable[[], str] | None]:
    """A factory of fresh-schema URLs: on `url`'s server, or on a throwaway cluster."""
    if url:
        yield lambda: url
        return
    from tests.helpers.postgres_cluster import PgCluster, find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is None:
        print("PostgreSQL: no binaries and no --database-url; skipped")
        yield None
        return
    import pwd
    import shutil

    root = Path(tempfile.mkdtemp(prefix="aiom4b-bench-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = PgCluster(bin_dir, root)
    cluster.init()
    cluster.start()
    try:
        yield lambda: cluster.url(schema=cluster.new_schema())
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000, help="jobs to claim per run")
    parser.add_argument("--jobs", type=int, default=100_000, help="jobs for the page timing")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--database-url", help="a PostgreSQL server to use (its own schema)")
    parser.add_argument(
        "--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    args = parser.parse_args()
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    # A URL given here is used as is: point it at a schema made for the bench.
    with postgres(args.database_url) as pg_url, tempfile.TemporaryDirectory() as tmp:
        backends: list[tuple[str, Callable[[], str | None]]] = []
        if "sqlite" in args.backends:
            backends.append(("sqlite", lambda: None))
        if pg_url is not None and "postgresql" in args.backends:
            backends.append(("postgresql", pg_url))
        run = 0
        for name, make_url in backends:
            for workers in args.workers:
                run += 1
                rate = claims_per_second(Path(tmp) / f"c{run}", make_url(), workers, args.claims)
                print(f"{name:<11} {workers:>2} workers  {rate:8.0f} claims/s")
            run += 1
            timings = page_seconds(Path(tmp) / f"p{run}", make_url(), args.jobs)
            for what, seconds in timings.items():
                print(f"{name:<11} {what} among {args.jobs} jobs  {seconds * 1000:.2f} ms")
    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
