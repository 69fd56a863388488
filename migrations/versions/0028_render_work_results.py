"""work: what a work item was asked (params) and what it produced (result, sealed), for long
exports such as the audit trail's CSV

Revision ID: 0028_render_work_results
Revises: 0027_hold_counts
Create Date: 2026-12-03 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_render_work_results"
down_revision = "0027_hold_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("result", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.drop_column("result")
        batch.drop_column("params")
