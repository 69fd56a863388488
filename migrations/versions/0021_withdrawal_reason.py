"""patrons: when a patron's request was withdrawn, and why (who: its audit event)

Revision ID: 0021_withdrawal_reason
Revises: 0020_accounts_confirmation
Create Date: 2026-12-02 19:55:00
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0021_withdrawal_reason"
down_revision = "0020_accounts_confirmation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patron_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("withdrawn_at", disclosure.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patron_requests", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_at")
