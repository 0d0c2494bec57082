"""Alembic environment: runs migrations on the connection aiom4b hands in."""

from alembic import context

from aiom4b_tui.store.models import SQLModel

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "aiom4b migrations run through aiom4b_tui.store.database.migrate, with a connection"
    )

# Batch mode (copy-and-move tables) is for SQLite's limited ALTER TABLE only.
batch = connection.dialect.name == "sqlite"
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=batch)
with context.begin_transaction():
    context.run_migrations()
