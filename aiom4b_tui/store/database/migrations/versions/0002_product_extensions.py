"""The product's extensions: cancelled status, progress, title, options, worker, live
progress fields, cancel requests, indexes, and the inbox's memory of folders it took.

The `cancelled` status needs no DDL: status is a VARCHAR(20) without a CHECK constraint.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_COLUMNS = (
    sa.Column("progress", sa.Float(), nullable=False, server_default="0"),
    sa.Column("title", sa.Text(), nullable=True),
    sa.Column("options", sa.Text(), nullable=True),
    sa.Column("worker", sa.String(200), nullable=True),
    sa.Column("speed", sa.Float(), nullable=True),
    sa.Column("eta_seconds", sa.Float(), nullable=True),
    sa.Column("heartbeat", sa.DateTime(), nullable=True),
    sa.Column("cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
)


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        for column in NEW_COLUMNS:
            batch.add_column(column._copy())
    op.create_index("ix_jobs_status_created_at", "jobs", ["status", "created_at"])
    op.create_index("ix_jobs_created_at", "jobs", ["created_at"])
    op.create_index("ix_jobs_updated_at", "jobs", ["updated_at"])
    op.create_table(
        "watched_folders",
        sa.Column("path", sa.Text(), primary_key=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("watched_folders")
    op.drop_index("ix_jobs_updated_at", "jobs")
    op.drop_index("ix_jobs_created_at", "jobs")
    op.drop_index("ix_jobs_status_created_at", "jobs")
    with op.batch_alter_table("jobs") as batch:
        for column in reversed(NEW_COLUMNS):
            batch.drop_column(column.name)
