"""records: the language a patron chose for the portal, their report and their e-mails

Revision ID: 0025_patron_language
Revises: 0024_chain_evidence
Create Date: 2026-12-02 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_patron_language"
down_revision = "0024_chain_evidence"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: on SQLite a batch copies and drops the patrons table, and the
# drop would cascade to the rows that refer to patrons (hold_patrons, requests).


def upgrade() -> None:
    op.add_column("patrons", sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("patrons", "language")
