"""How fast the `aiom4b` command answers: `python bench/startup_bench.py` (un-niced).

It times the code first on PYTHONPATH, else this checkout: `PYTHONPATH=/tmp/old python
bench/startup_bench.py` times another version with the same interpreter and packages.

Times, in fresh subprocesses, with a fresh data dir whose current SQLite database holds
`--jobs` finished jobs (1,000 by default; `--with-options`: each with the options an
`aiom4b add --output-dir DIR --author NAME` stores, so listing them decodes options):
  aiom4b --version, aiom4b --help, aiom4b jobs --limit 20, aiom4b jobs --limit 20 --json,
  aiom4b stats, aiom4b stats --json,
  and the TUI (`aiom4b LIBRARY` on an 80x24 pseudo-terminal): from exec to its first
  screen drawn ("tui": the jobs pane's title on the terminal) and to the first job row
  shown ("tui rows"), then `q`.

Each command runs `--runs` times (interleaved, so a change of load hits them alike) after
one untimed warm-up, and the median wall time is printed with the median CPU time (user +
system of the child: the figure that load on the machine disturbs least) and the fastest.

Bytecode: by default the children may write .pyc files (under a temporary
PYTHONPYCACHEPREFIX, filled by the warm-up), as an installed copy has them.
`--no-pyc` runs them with PYTHONDONTWRITEBYTECODE=1 instead (aiom4b_tui compiled from
source on every start, as in an editable checkout with that variable set).
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import resource
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from fcntl import ioctl
from pathlib import Path
from uuid import UUID

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOALS = {
    "--version": 0.15,
    "--help": 0.15,
    "jobs --limit 20": 0.5,
    "jobs --limit 20 --json": 0.5,
    "stats": 0.5,
    "stats --json": 0.5,
    "tui": 0.5,
    "tui rows": 0.5,
}
FIRST_SCREEN_MARK = b"Jobs"  # the jobs pane's title, drawn with the first screen
FIRST_ROW_MARK = b"Book 0"  # a seeded job's title in the table
TUI_TIMEOUT = 300.0  # a loaded machine starts the old code slowly


def aiom4b_command() -> list[str]:
    """The installed `aiom4b` script beside this Python, else `python -m aiom4b_tui`."""
    script = Path(sys.executable).with_name("aiom4b")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "aiom4b_tui"]


# The options `aiom4b add --output-dir /out --author NAME` stores (JobOptions as JSON).
ADD_OPTIONS = '{"output_dir":"/out","tags":{"author":"Some Author"}}'


def seed(data_dir: Path, count: int, *, with_options: bool = False) -> None:
    """A current database in `data_dir` holding `count` finished jobs (no worker starts)."""
    from aiom4b_tui.store.database.db import open_database
    from aiom4b_tui.store.models import JobDB, JobStatus

    statuses = [JobStatus.COMPLETED, JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED]
    base = datetime(2026, 1, 1, tzinfo=UTC)
    db = open_database(data_dir)
    rows = [
        JobDB(
            id=UUID(int=n + 1),
            status=statuses[n % len(statuses)],
            input_folders=json.dumps([f"/books/Book {n:05d}"]),
            title=f"Book {n:05d}",
            output_file=f"/out/Book {n:05d}.m4b",
            progress=1.0,
            options=ADD_OPTIONS if with_options else None,
            created_at=base + timedelta(minutes=n),
            updated_at=base + timedelta(minutes=n),
        )
        for n in range(count)
    ]
    with db.write_session() as session:
        session.add_all(rows)
        session.commit()
    db.close()


def child_env(data_dir: Path, pycache: Path | None) -> dict[str, str]:
    """The environment of every timed child."""
    env = dict(os.environ, AIOM4B_DATA_DIR=str(data_dir), TERM="xterm-256color")
    # An output folder set: else the TUI asks for one first, and `q` goes into that field.
    env["AIOM4B_OUTPUT_DIR"] = str(data_dir / "books")
    env.pop("AIOM4B_DATABASE_URL", None)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def children_cpu() -> float:
    """CPU seconds (user + system) of the children waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_plain(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one command run to its end (its output discarded)."""
    cpu = children_cpu()
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{argv} exited {result.returncode}: {result.stderr.decode()}")
    return wall, children_cpu() - cpu


def _read_until(fd: int, mark: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while mark not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {mark!r} on the terminal; it showed: {seen[-500:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError as exc:  # the child closed the terminal
                raise RuntimeError(f"the TUI ended before {mark!r}: {seen[-500:]!r}") from exc
    return seen


def _drain(fd: int, process: subprocess.Popen[bytes]) -> None:
    while process.poll() is None:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def run_tui(argv: list[str], env: dict[str, str], mark: bytes) -> tuple[float, float]:
    """Wall seconds from exec to `mark` on the TUI's 80x24 pseudo-terminal, and the CPU
    seconds of the whole run (to the mark, then `q` and its exit)."""
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    cpu = children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    try:
        _read_until(master, mark, TUI_TIMEOUT)
        wall = time.perf_counter() - start
        os.write(master, b"q")
        deadline = time.monotonic() + TUI_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            _drain(master, process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(master)
    return wall, children_cpu() - cpu


def measure(
    commands: dict[str, Callable[[], tuple[float, float]]], runs: int
) -> dict[str, list[tuple[float, float]]]:
    """Each command once untimed, then `runs` interleaved rounds."""
    for run in commands.values():
        run()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, run in commands.items():
            times[name].append(run())
    return times


def report(times: dict[str, list[tuple[float, float]]]) -> None:
    """One row per command: median wall, median CPU, fastest wall, goal."""
    print(f"{'command':<18} {'wall s':>7} {'CPU s':>7} {'min s':>7} {'goal s':>7}")
    for name, pairs in times.items():
        walls = [w for w, _ in pairs]
        cpus = [c for _, c in pairs]
        median = statistics.median(walls)
        mark = "" if median <= GOALS[name] else "  (over)"
        print(
            f"{name:<18} {median:7.3f} {statistics.median(cpus):7.3f} "
            f"{min(walls):7.3f} {GOALS[name]:7.2f}{mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--jobs", type=int, default=1000, help="jobs in the database (1000)")
    parser.add_argument("--no-pyc", action="store_true", help="children write no bytecode")
    parser.add_argument("--no-tui", action="store_true", help="leave the TUI out")
    parser.add_argument(
        "--with-options", action="store_true", help="seeded jobs have options (as add stores)"
    )
    parser.add_argument(
        "--only", help="time only these commands (comma-separated, e.g. 'stats,jobs --limit 20')"
    )
    args = parser.parse_args()
    base = aiom4b_command()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data_dir, library = root / "data", root / "library"
        library.mkdir()
        seed(data_dir, args.jobs, with_options=args.with_options)
        env = child_env(data_dir, None if args.no_pyc else root / "pycache")
        commands: dict[str, Callable[[], tuple[float, float]]] = {}
        plain = ("--version", "--help", "jobs --limit 20", "jobs --limit 20 --json", "stats")
        for name in (*plain, "stats --json"):
            argv = [*base, *name.split()]
            commands[name] = lambda argv=argv: run_plain(argv, env)
        if not args.no_tui:
            tui = [*base, str(library)]
            commands["tui"] = lambda: run_tui(tui, env, FIRST_SCREEN_MARK)
            commands["tui rows"] = lambda: run_tui(tui, env, FIRST_ROW_MARK)
        if args.only:
            wanted = [name.strip() for name in args.only.split(",")]
            commands = {name: commands[name] for name in wanted}
        load_before = os.getloadavg()[0]
        times = measure(commands, args.runs)
        load_after = os.getloadavg()[0]
        shutil.rmtree(root / "pycache", ignore_errors=True)
    bytecode = "no .pyc (PYTHONDONTWRITEBYTECODE=1)" if args.no_pyc else ".pyc cached"
    options = ", with options" if args.with_options else ""
    print(f"{' '.join(base)}; {args.jobs} jobs{options}; median of {args.runs}; {bytecode}")
    print(f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after")
    report(times)


if __name__ == "__main__":
    main()
