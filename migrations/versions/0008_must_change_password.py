"""auth: an account whose password the administrator chose must change it

Revision ID: 0008_must_change_password
Revises: 0007_case_series
Create Date: 2026-11-23 17:32:49.676725
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_must_change_password"
down_revision = "0007_case_series"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
