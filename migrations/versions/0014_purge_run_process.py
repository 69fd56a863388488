"""retention: a purge run records the host and process that run it

Revision ID: 0014_purge_run_process
Revises: 0013_loans_checked_out_index
Create Date: 2026-12-02 17:30:00

A run left 'running' by a killed process is then recognised at once on its own host, instead of
blocking the next purge until its heartbeat goes stale.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_purge_run_process"
down_revision = "0013_loans_checked_out_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("purge_runs") as batch:
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("purge_runs") as batch:
        batch.drop_column("pid")
        batch.drop_column("host")
