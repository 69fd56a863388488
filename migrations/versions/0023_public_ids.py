"""every table whose rows are named in URLs gets a random, unique public id, filled in for the
rows already there (docs/rules.md R-addresses-count-nothing)

Revision ID: 0023_public_ids
Revises: 0022_desk_proof
Create Date: 2026-12-02 20:00:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0023_public_ids"
down_revision = "0022_desk_proof"
branch_labels = None
depends_on = None

TABLES = (
    "cases",
    "productions",
    "case_documents",
    "documents",
    "holds",
    "patron_requests",
    "consent_releases",
)


def upgrade() -> None:
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    for table in TABLES:
        # Added in place, never by copying the table (SQLite's batch mode would drop `cases`
        # under the rows that point to it): NOT NULL with an empty default, filled at once.
        op.add_column(
            table,
            sa.Column("public_id", sa.String(length=24), nullable=False, server_default=""),
        )
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("public_id", sa.String))
        for (row_id,) in connection.execute(sa.select(rows.c.id)).all():
            # as disclosure/public_ids.py new_public_id (a migration keeps its own copy)
            connection.execute(
                rows.update().where(rows.c.id == row_id).values(public_id=secrets.token_urlsafe(12))
            )
        if not sqlite:  # SQLite cannot drop a default in place; the app always gives the value
            op.alter_column(table, "public_id", server_default=None)
        op.create_index(op.f(f"ix_{table}_public_id"), table, ["public_id"], unique=True)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_index(op.f(f"ix_{table}_public_id"), table_name=table)
        op.drop_column(table, "public_id")  # in place (SQLite 3.35 and later), as it was added
