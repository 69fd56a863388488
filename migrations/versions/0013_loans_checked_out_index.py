"""records: an index on loans.checked_out_at (productions and holds by time window)

Revision ID: 0013_loans_checked_out_index
Revises: 0012_sign_in_limits
Create Date: 2026-12-02 17:40:00
"""

from alembic import op

revision = "0013_loans_checked_out_index"
down_revision = "0012_sign_in_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_loans_checked_out_at", "loans", ["checked_out_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_loans_checked_out_at", table_name="loans")
