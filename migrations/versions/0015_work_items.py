"""work: the queue of long work the scheduler runs (compiling reports, consent releases)

Revision ID: 0015_work_items
Revises: 0014_purge_run_process
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0015_work_items"
down_revision = "0014_purge_run_process"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queued_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", disclosure.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", disclosure.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("heartbeat_at", disclosure.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_work_items_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_items")),
    )
    op.create_index(op.f("ix_work_items_status"), "work_items", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_work_items_status"), table_name="work_items")
    op.drop_table("work_items")
