"""holds: hold_counts, what each hold's scope covered when last counted (shown "as of")

Revision ID: 0027_hold_counts
Revises: 0026_preservation_store
Create Date: 2026-12-02 19:40:00
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0027_hold_counts"
down_revision = "0026_preservation_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Left empty: the next purge (or a change to the hold) counts; until then the hold's page
    # says it has not been counted yet.
    op.create_table(
        "hold_counts",
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("counted_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"],
            ["holds.id"],
            name=op.f("fk_hold_counts_hold_id_holds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hold_id", "kind", name=op.f("pk_hold_counts")),
    )


def downgrade() -> None:
    op.drop_table("hold_counts")
