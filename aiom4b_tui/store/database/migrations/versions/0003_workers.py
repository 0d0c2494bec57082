"""Worker processes and queue control: a failure's one-line reason on the job, the
`workers` table (live workers, for status and the TUI's header) and `queue_state`
(pause and resume for every worker of the queue).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
    op.create_table(
        "workers",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat", sa.DateTime(), nullable=False),
        sa.Column("books_running", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("books_at_once", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("ffmpeg_processes", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("stop_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("path_map", sa.Text(), nullable=True),
        sa.Column("version", sa.String(50), nullable=True),
    )
    op.create_table(
        "queue_state",
        sa.Column("key", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("queue_state")
    op.drop_table("workers")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("reason")
