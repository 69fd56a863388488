"""patrons: the productions a frozen report lists

Revision ID: 0009_report_productions
Revises: 0008_must_change_password
Create Date: 2026-11-23 17:51:26.835948
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_report_productions"
down_revision = "0008_must_change_password"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patron_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("production_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patron_reports", schema=None) as batch_op:
        batch_op.drop_column("production_ids")
