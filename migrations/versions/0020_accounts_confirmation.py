"""auth: the two-person rule: what the administrator did to an account that a holder of the
Director's powers has not yet confirmed

Revision ID: 0020_accounts_confirmation
Revises: 0019_breaches
Create Date: 2026-12-02 19:40:00
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0020_accounts_confirmation"
down_revision = "0019_breaches"
branch_labels = None
depends_on = None

UTC = disclosure.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    # plain ADD COLUMN: SQLite's batch mode would copy users, which other tables point at
    op.add_column("users", sa.Column("awaiting_confirmation", sa.String(length=80), nullable=True))
    op.add_column("users", sa.Column("awaiting_since", UTC, nullable=True))


def downgrade() -> None:
    op.drop_column("users", "awaiting_since")
    op.drop_column("users", "awaiting_confirmation")
