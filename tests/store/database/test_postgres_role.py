"""The README's PostgreSQL role, run verbatim with psql on a throwaway cluster: aiom4b
works the queue as that role (migrations, claims, stats), and the role has rights on its
own schema only; other roles may not even connect to its database."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobStatus
from tests.helpers import ROOT
from tests.helpers.postgres_cluster import PORT, SUPERUSER, PgCluster

pytestmark = pytest.mark.postgres

README = ROOT / "README.md"
ROLE = DATABASE = "aiom4b"


def readme_role_sql() -> str:
    """The ```sql block of the README's section for several machines."""
    section = README.read_text(encoding="utf-8").split("## Several machines", 1)[1]
    section = section.split("\n## ", 1)[0]
    (sql,) = re.findall(r"```sql\n(.+?)\n```", section, flags=re.S)
    return sql


def find_psql(cluster: PgCluster) -> Path:
    """psql beside the cluster's initdb (its real folder: /usr/local/bin may hold links)."""
    beside = (cluster.bin_dir / "initdb").resolve().parent / "psql"
    found = beside if beside.exists() else shutil.which("psql")
    if found is None:
        pytest.skip("psql not found beside initdb nor on PATH")
    return Path(found)


@pytest.fixture
def readme_role(pg_cluster: PgCluster, tmp_path: Path) -> Iterator[PgCluster]:
    """The README's role and database made on the cluster with psql; dropped after."""
    script = tmp_path / "role.sql"
    script.write_text(readme_role_sql() + "\n")
    connection = ["-h", str(pg_cluster.root), "-p", str(PORT), "-U", SUPERUSER, "-d", "postgres"]
    result = subprocess.run(
        [str(find_psql(pg_cluster)), "-X", "-v", "ON_ERROR_STOP=1", *connection, "-f", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    try:
        yield pg_cluster
    finally:
        pg_cluster.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        pg_cluster.execute("DROP ROLE IF EXISTS aiom4b_other")
        pg_cluster.execute(f"DROP ROLE IF EXISTS {ROLE}")


def connect(cluster: PgCluster, user: str) -> psycopg.Connection:
    return psycopg.connect(
        host=str(cluster.root), port=PORT, user=user, dbname=DATABASE, autocommit=True
    )


def test_aiom4b_works_the_queue_as_the_readme_role(readme_role: PgCluster, data_dir: Path):
    url = f"postgresql+psycopg://{ROLE}@/{DATABASE}?host={readme_role.root}&port={PORT}"
    db = open_database(data_dir, url=url)  # migrates as the role
    try:
        service = JobService(db)
        job = service.create_job(JobCreate(input_folders=[data_dir]))
        claimed = service.claim_next("host:1")
        assert claimed is not None and claimed.id == job.id
        assert claimed.status is JobStatus.RUNNING
        assert db.size_bytes() > 0  # `stats`: pg_database_size needs only CONNECT
    finally:
        db.close()
    with connect(readme_role, ROLE) as conn:
        schemas = {
            row[0]
            for row in conn.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name IN "
                "('jobs', 'workers', 'alembic_version')"
            )
        }
        assert schemas == {ROLE}  # its own schema, nowhere else


def test_the_readme_role_has_rights_on_its_own_schema_only(readme_role: PgCluster):
    with connect(readme_role, ROLE) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE public.elsewhere (i int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"CREATE SCHEMA another AUTHORIZATION {ROLE}")
    readme_role.execute("CREATE ROLE aiom4b_other LOGIN")
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        connect(readme_role, "aiom4b_other")
