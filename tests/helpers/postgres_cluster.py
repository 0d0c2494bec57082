"""A throwaway PostgreSQL cluster for the tests, and the fixtures that use it.

`pg_cluster` (one per test session): `initdb` in a temporary folder, the server listening
only on a Unix socket in that folder, `pg_ctl` to start and stop it. As root, the
binaries run as the `postgres` user (initdb refuses root). Where the binaries are
missing the tests that need them are skipped with a message; with CI=true they fail.

`database_url` (parametrized sqlite / postgresql): the back end a test runs on, set in
AIOM4B_DATABASE_URL so every process the test starts uses it too. On PostgreSQL each
test gets a fresh schema of its own (search_path in the URL), and the case is marked
`postgres` (a test that asks for `pg_url` or `pg_cluster` itself carries the mark).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PORT = 5432  # only names the socket file: the server listens on no TCP port
SUPERUSER = "postgres"
SERVER_SETTINGS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=300 -c listen_addresses='' "
    # Not UTC: aiom4b's sessions must set their own time zone.
    "-c timezone=America/New_York"
)


def find_pg_bin() -> Path | None:
    """The folder of initdb/pg_ctl: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(found[-1]).parent if found else None


def _as_postgres_user() -> Callable[[], None] | None:
    """A preexec_fn that drops root to the `postgres` user (None when not root)."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam("postgres")

    def drop() -> None:
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return drop


class PgCluster:
    """One PostgreSQL server in a temporary folder, reached through its Unix socket."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self._preexec = _as_postgres_user()

    def _run(self, *args: str, timeout: float = 120) -> None:
        result = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            preexec_fn=self._preexec,
            env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed: {result.stderr}\n{log}")

    def init(self) -> None:
        """initdb: a cluster whose superuser is `postgres`, trusted on its socket only."""
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        """Start the server and wait until it takes connections."""
        options = f"{SERVER_SETTINGS} -c unix_socket_directories='{self.root}' -p {PORT}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop the server (fast: open sessions are ended)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, dbname: str = "postgres", schema: str | None = None) -> str:
        """A SQLAlchemy URL for the database (and schema, as search_path) on the socket."""
        url = f"postgresql+psycopg://{SUPERUSER}@/{dbname}?host={self.root}&port={PORT}"
        if schema:
            url += f"&options=-csearch_path%3D{schema}"
        return url

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        """Run one statement as the superuser (autocommit)."""
        import psycopg

        with psycopg.connect(
            host=str(self.root), port=PORT, user=SUPERUSER, dbname=dbname, autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_schema(self) -> str:
        """A fresh, empty schema; returns its name."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.execute(f"CREATE SCHEMA {name}")
        return name


def _missing(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: PostgreSQL tests must run; .ci/run installs it)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A running throwaway PostgreSQL cluster for the whole test session."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        _missing("PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed")
    root = Path(tempfile.mkdtemp(prefix="aiom4b-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = PgCluster(bin_dir, root)  # type: ignore[arg-type]
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: PgCluster, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh schema's URL, also in AIOM4B_DATABASE_URL."""
    url = pg_cluster.url(schema=pg_cluster.new_schema())
    monkeypatch.setenv("AIOM4B_DATABASE_URL", url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The back end of a test: None (SQLite in the data dir) or a fresh PostgreSQL schema;
    AIOM4B_DATABASE_URL is set to match."""
    if request.param == "sqlite":
        monkeypatch.delenv("AIOM4B_DATABASE_URL", raising=False)
        return None
    return request.getfixturevalue("pg_url")
