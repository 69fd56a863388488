"""patrons: what proves a written request logged at the desk (the patron's signed paper,
scanned, or their PIN typed on the desk's screen)

Revision ID: 0022_desk_proof
Revises: 0021_withdrawal_reason
Create Date: 2026-12-02 19:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_desk_proof"
down_revision = "0021_withdrawal_reason"
branch_labels = None
depends_on = None

COLUMNS = (
    ("desk_proof", 10),
    ("signed_scan_name", 80),
    ("signed_scan_type", 40),
    ("signed_scan_sha256", 64),
)


def upgrade() -> None:
    with op.batch_alter_table("patron_requests") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patron_requests") as batch:
        for name, _length in reversed(COLUMNS):
            batch.drop_column(name)
