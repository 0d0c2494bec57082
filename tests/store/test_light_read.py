"""`aiom4b jobs` and `stats` on a plain, current SQLite database read it with sqlite3 alone
(no SQLAlchemy, SQLModel or pydantic-settings in sys.modules afterwards) and print the
same bytes as the full path on the same database; anything unusual goes the full way."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from aiom4b_tui.config import data_location
from aiom4b_tui.config.data_location import DB_FILE, SETTING_NAMES, plain_sqlite_file
from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.light_read import read_job_page, read_status_counts
from aiom4b_tui.store.models import JobCreate, JobStatus
from tests.helpers import ROOT

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic_settings", "aiom4b_tui.store.database.db", "alembic")
# A setting at its default: harmless to `jobs` and `stats`, but the light path leaves
# every setting to the full one, so it makes a run take the full path.
FULL_PATH_ENV = {"AIOM4B_DAYS_KEPT": "30"}
EVIL = "Evil\x1b]0;pwned\x07Book\x1b[2J\r\nNext\x9b1m\u202eRTL\x7f"

LISTINGS = [
    ["jobs"],
    ["jobs", "--limit", "3"],
    ["jobs", "--limit", "2", "--offset", "2"],
    ["jobs", "--limit", "0"],
    ["jobs", "--status", "failed"],
    ["jobs", "--status", "done"],
    ["jobs", "--status", "running", "--json"],
    ["jobs", "--json"],
    ["jobs", "--json", "--limit", "4", "--offset", "1"],
    ["stats"],
    ["stats", "--json"],
]


def _env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a child: the data dir, and no AIOM4B_ setting unless given."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("AIOM4B_")}
    return env | {"AIOM4B_DATA_DIR": str(data_dir)} | (extra or {})


def _run_all(
    argvs: list[list[str]], env: dict[str, str]
) -> tuple[list[tuple[int, str, str]], list[str]]:
    """Run each `aiom4b argv` in turn in one fresh interpreter: (exit code, stdout,
    stderr) of each, and the modules loaded by the end."""
    code = (
        "import contextlib, io, json, sys\n"
        "from aiom4b_tui.cli import main\n"
        "results = []\n"
        f"for argv in {argvs!r}:\n"
        "    out, err = io.StringIO(), io.StringIO()\n"
        "    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
        "        code = main(argv)\n"
        "    results.append((code, out.getvalue(), err.getvalue()))\n"
        "print(json.dumps([results, sorted(sys.modules)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    results, modules = json.loads(result.stdout)
    return [tuple(r) for r in results], modules


def _heavy(modules: list[str]) -> list[str]:
    return sorted(n for n in HEAVY if any(m == n or m.startswith(n + ".") for m in modules))


def _set(path: Path, job_id: UUID, **columns: Any) -> None:
    with sqlite3.connect(path) as conn:
        for column, value in columns.items():
            conn.execute(f"UPDATE jobs SET {column} = ? WHERE id = ?", (value, job_id.hex))
    conn.close()


def _seed(data_dir: Path, tmp_path: Path, *, odd: bool = True) -> Path:
    """A current database of jobs in every status; with `odd`, titles, names and logs
    with control characters, options, and rows that cannot be read fully."""
    folder = tmp_path / f"Book \x1b[31mred {odd}"
    folder.mkdir()
    db = open_database(data_dir)
    service = JobService(db)
    ids = []
    for n in range(7):
        options = JobOptions(output_dir=tmp_path, tags=TagOverrides(author="A\x1b[2J"))
        data = JobCreate(
            input_folders=[folder],
            title=None if n == 3 else f"Book {n} {EVIL if odd else ''}",
            options=options if odd and n % 2 else JobOptions(),
        )
        ids.append(service.create_job(data).id)
    db.close()
    path = data_dir / DB_FILE
    for n, job_id in enumerate(ids):
        created = f"2026-0{n + 1}-02 03:04:05.{n:06d}"
        _set(path, job_id, created_at=created, updated_at=created)
    _set(path, ids[0], status="completed", output_file=f"/out/{EVIL}.m4b", log=EVIL)
    _set(path, ids[1], status="running", progress=0.4567, speed=12.5, eta_seconds=61.0)
    _set(path, ids[1], worker="host:1", heartbeat="2026-02-02 03:05:00.000000")
    _set(path, ids[2], status="failed", reason=f"ffmpeg said {EVIL}", cancel_requested=1)
    _set(path, ids[2], start_time="2026-03-02 03:04:06.000000", end_time="2026-03-02 04:00:00")
    _set(path, ids[3], title=None)  # listed by its folder's name
    _set(path, ids[4], status="cancelled")
    if odd:
        _set(path, ids[5], status="bogus\x1b[2J", options='{"nope": 1}')
        _set(path, ids[6], status="completed", input_folders="[not json", options="{")
    return path


def test_listings_match_the_full_path_and_load_nothing_heavy(tmp_path: Path):
    data_dir = tmp_path / "data"
    _seed(data_dir, tmp_path)
    light, light_modules = _run_all(LISTINGS, _env(data_dir))
    full, full_modules = _run_all(LISTINGS, _env(data_dir, FULL_PATH_ENV))
    assert _heavy(light_modules) == []
    assert "sqlalchemy" in full_modules  # the comparison is with the full path
    for argv, got, want in zip(LISTINGS, light, full, strict=True):
        assert got == want, argv
        assert got[0] == 0 and got[2] == "", argv
    listed = light[0][1]
    assert len(listed.splitlines()) == 7
    assert "\x1b" not in listed and "\x9b" not in listed and "\u202e" not in listed
    assert "bad row: status 'bogus\\x1b[2J'; options cannot be read" in listed
    assert "queued    2026-04-02 03:04  Book ␛[31mred True\n" in listed  # the folder's name
    assert "bad row: status 'bogus\\x1b[2J': 1" in light[LISTINGS.index(["stats"])][1]
    as_json = json.loads(light[LISTINGS.index(["jobs", "--json"])][1])
    assert as_json[0]["created_at"] == "2026-07-02T03:04:05.000006Z"
    assert as_json[3]["options"]["tags"]["author"] == "A\x1b[2J"


def test_plain_listings_need_no_pydantic(tmp_path: Path):
    data_dir = tmp_path / "data"
    _seed(data_dir, tmp_path, odd=False)
    argvs = [["jobs", "--limit", "20"], ["stats"], ["stats", "--json"]]
    light, modules = _run_all(argvs, _env(data_dir))
    full, _ = _run_all(argvs, _env(data_dir, FULL_PATH_ENV))
    assert light == full
    assert [m for m in modules if m.split(".")[0] in ("pydantic", *HEAVY)] == []


def test_the_command_prints_the_same_bytes_both_ways(tmp_path: Path):
    data_dir = tmp_path / "data"
    _seed(data_dir, tmp_path)
    for argv in (["jobs", "--limit", "20"], ["stats"]):
        cmd = [sys.executable, "-m", "aiom4b_tui", *argv]
        runs = [
            subprocess.run(cmd, capture_output=True, env=_env(data_dir, extra), timeout=300)
            for extra in (None, FULL_PATH_ENV)
        ]
        assert runs[0].returncode == runs[1].returncode == 0
        assert runs[0].stdout == runs[1].stdout and runs[0].stdout


def test_a_setting_beyond_the_folders_takes_the_full_path(tmp_path: Path):
    data_dir = tmp_path / "data"
    _seed(data_dir, tmp_path)
    plain, _ = _run_all([["jobs"]], _env(data_dir))
    # What the first run writes: a folder, which any text is; the light path stays.
    (data_dir / "config.toml").write_text('output_dir = "/books/out"\n', encoding="utf-8")
    configured, modules = _run_all([["jobs"]], _env(data_dir))
    assert "sqlalchemy" not in modules
    assert configured == plain
    (data_dir / "config.toml").write_text('library_dir = "/books"\nbitrate = 64000\n')
    configured, modules = _run_all([["jobs"]], _env(data_dir))
    assert "sqlalchemy" in modules
    assert configured == plain
    (data_dir / "config.toml").write_text("books_at_once = 0\n", encoding="utf-8")
    [(code, out, err)], _ = _run_all([["stats"]], _env(data_dir))
    assert (code, out) == (2, "")
    assert "books_at_once" in err  # refused as today, not read past


def test_a_database_url_takes_the_full_path(tmp_path: Path):
    data_dir = tmp_path / "data"
    path = _seed(data_dir, tmp_path)
    plain, _ = _run_all([["jobs"]], _env(data_dir))
    by_url, modules = _run_all(
        [["jobs"]], _env(data_dir, {"AIOM4B_DATABASE_URL": f"sqlite:///{path}"})
    )
    assert "sqlalchemy" in modules
    assert by_url == plain


def test_stats_on_a_sqlite_url_tell_that_file(tmp_path: Path):
    data_dir = tmp_path / "data"
    path = _seed(data_dir, tmp_path)
    other = tmp_path / "elsewhere" / "jobs.db"
    other.parent.mkdir()
    path.rename(other)  # the only database is the one the URL names
    env = _env(data_dir, {"AIOM4B_DATABASE_URL": f"sqlite:///{other}"})
    [(code, out, err), (text_code, text, _)], _ = _run_all([["stats", "--json"], ["stats"]], env)
    assert (code, text_code) == (0, 0), err
    stats = json.loads(out)
    assert stats["database"] == str(other)
    assert stats["database_bytes"] >= other.stat().st_size > 0
    assert stats["total"] == 7
    assert text.startswith(f"database  {other} (")
    assert not (data_dir / DB_FILE).exists()


def test_a_missing_database_is_created_the_full_way(tmp_path: Path):
    data_dir = tmp_path / "data"
    [(code, out, _)], modules = _run_all([["jobs"]], _env(data_dir))
    assert (code, out) == (0, "")
    assert "sqlalchemy" in modules
    assert (data_dir / DB_FILE).stat().st_mode & 0o777 == 0o600


def test_an_open_data_dir_is_made_private_the_full_way(tmp_path: Path):
    data_dir = tmp_path / "data"
    _seed(data_dir, tmp_path)
    data_dir.chmod(0o755)
    [(code, _, _)], modules = _run_all([["stats"]], _env(data_dir))
    assert code == 0 and "sqlalchemy" in modules
    assert data_dir.stat().st_mode & 0o777 == 0o700


def _read(path: Path) -> tuple[object, object]:
    return read_job_page(path, None, 50, 0, 5.0), read_status_counts(path, 5.0)


def test_the_light_reader_reads_a_current_database(tmp_path: Path):
    path = _seed(tmp_path / "data", tmp_path)
    jobs, counts = _read(path)
    assert jobs is not None and len(jobs) == 7
    assert counts is not None and counts[0].counts[JobStatus.QUEUED] == 1
    assert read_job_page(path, JobStatus.FAILED, 50, 0, 5.0)[0].reason.startswith("ffmpeg")


def test_the_light_reader_leaves_a_missing_database_alone(tmp_path: Path):
    path = tmp_path / "data" / DB_FILE
    path.parent.mkdir(mode=0o700)
    assert _read(path) == (None, None)
    assert not path.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE alembic_version SET version_num = '0003'",
        "DROP TABLE alembic_version",
        "INSERT INTO alembic_version VALUES ('0006')",
        "UPDATE jobs SET created_at = 20260101",
        "UPDATE jobs SET updated_at = 'yesterday'",
        "UPDATE jobs SET progress = 'half'",
        "UPDATE jobs SET cancel_requested = 2",
        "UPDATE jobs SET id = 'not-a-uuid' WHERE status = 'cancelled'",
        "UPDATE jobs SET title = x'41'",  # a blob: TEXT affinity keeps numbers as text
        "UPDATE jobs SET status = x'71'",
    ],
)
def test_the_light_reader_leaves_the_unusual_to_the_full_path(tmp_path: Path, sql: str):
    path = _seed(tmp_path / "data", tmp_path, odd=False)
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    conn.close()
    jobs, counts = _read(path)
    assert jobs is None
    if "SET status" in sql or "alembic" in sql or "created_at" in sql:
        assert counts is None


def test_the_light_reader_leaves_a_non_wal_database_or_open_modes_alone(tmp_path: Path):
    path = _seed(tmp_path / "data", tmp_path, odd=False)
    path.chmod(0o644)
    assert _read(path) == (None, None)
    path.chmod(0o600)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    assert _read(path) == (None, None)


def test_plain_sqlite_file_only_when_nothing_else_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in [n for n in os.environ if n.upper().startswith("AIOM4B_")]:
        monkeypatch.delenv(name)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    assert plain_sqlite_file(data_dir, None) == data_dir.resolve() / DB_FILE
    assert plain_sqlite_file(data_dir, "") == data_dir.resolve() / DB_FILE
    assert plain_sqlite_file(data_dir, "postgresql://h/db") is None
    monkeypatch.setenv("AIOM4B_GRAPHICS", "off")  # not a setting
    assert plain_sqlite_file(data_dir, None) is not None
    monkeypatch.setenv("AIOM4B_OUTPUT_DIR", "/books/out")  # a folder: any text is one
    assert plain_sqlite_file(data_dir, None) is not None
    monkeypatch.setenv("aiom4b_bitrate", "64000")  # a setting, in any case
    assert plain_sqlite_file(data_dir, None) is None
    monkeypatch.delenv("aiom4b_bitrate")
    monkeypatch.delenv("AIOM4B_OUTPUT_DIR")
    config = data_dir / "config.toml"
    config.write_text("# nothing set\nnot_a_setting = 1\n", encoding="utf-8")
    assert plain_sqlite_file(data_dir, None) is not None
    config.write_text('Database_URL = "postgresql://h/db"\n', encoding="utf-8")
    assert plain_sqlite_file(data_dir, None) is None
    config.write_text("output_dir = 5\n", encoding="utf-8")  # not text: Settings refuse it
    assert plain_sqlite_file(data_dir, None) is None
    config.write_text("this is [not toml\n", encoding="utf-8")
    assert plain_sqlite_file(data_dir, None) is None


def test_the_setting_names_are_the_settings_fields():
    from aiom4b_tui.config.settings import Settings

    assert set(Settings.model_fields) == SETTING_NAMES
    assert Settings.model_fields["db_busy_timeout"].default == data_location.DEFAULT_BUSY_TIMEOUT
