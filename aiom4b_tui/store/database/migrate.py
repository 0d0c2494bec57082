"""Alembic migrations, applied when the database is opened.

The migration scripts live in `migrations/` inside the package, so an installed copy has
them too. A database stamped with a revision this version does not know was written by a
newer aiom4b: it is refused untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

if TYPE_CHECKING:
    from aiom4b_tui.store.database.db import Database

SCRIPT_LOCATION = "aiom4b_tui.store.database:migrations"
FIRST_REVISION = "0001"


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migration scripts."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    """The newest revision this version of aiom4b knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    """The revision the database is stamped with (None: not stamped)."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _job_count(db: Database) -> int:
    if not db.has_table("jobs"):
        return 0
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM jobs")).scalar_one())


def _run(db: Database, verb: str, revision: str) -> None:
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, verb)(config, revision)


def upgrade_to_head(db: Database) -> str | None:
    """Bring the schema to the head revision; returns the backup's path if one was made.

    A database made by the seed's `create_all` (a `jobs` table, no Alembic stamp) is
    taken to be at the first revision.
    """
    from aiom4b_tui.store.database.db import DatabaseTooNewError

    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(db)
    if current is not None and current not in {r.revision for r in script.walk_revisions()}:
        raise DatabaseTooNewError(
            f"{db.display_name} was written by a newer version of aiom4b (schema {current}): "
            "upgrade aiom4b to open it (the database was not changed)"
        )
    head = head_revision()
    if current == head:
        return None
    # A shared PostgreSQL queue is backed up by its owner (pg_dump), not on every start.
    backup = str(db.backup()) if db.path is not None and _job_count(db) else None
    if current is None and db.has_table("jobs"):
        _run(db, "stamp", FIRST_REVISION)
    _run(db, "upgrade", "head")
    return backup
