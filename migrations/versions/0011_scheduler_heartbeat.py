"""ops: the scheduler's heartbeat, read by /healthz

Revision ID: 0011_scheduler_heartbeat
Revises: 0010_record_kinds
Create Date: 2026-12-02 17:00:00
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0011_scheduler_heartbeat"
down_revision = "0010_record_kinds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_heartbeats",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("beat_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_heartbeats")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_heartbeats")
