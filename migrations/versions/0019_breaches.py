"""breaches: the breach register (a suspected breach, its 24-hour notice, who was told)

Revision ID: 0019_breaches
Revises: 0018_sealed_columns
Create Date: 2026-12-02 20:00:00
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0019_breaches"
down_revision = "0018_sealed_columns"
branch_labels = None
depends_on = None

UTC = disclosure.db.UTCDateTime(timezone=True)


def _user(table: str, column: str, nullable: bool = False) -> sa.Column:
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey("users.id", name=op.f(f"fk_{table}_{column}_users")),
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "breaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("found_at", UTC, nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("patrons_affected", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        _user("breaches", "recorded_by_id"),
        sa.Column("closed_at", UTC, nullable=True),
        _user("breaches", "closed_by_id", nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breaches")),
    )
    op.create_index(op.f("ix_breaches_found_at"), "breaches", ["found_at"])
    op.create_table(
        "breach_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "breach_id",
            sa.Integer(),
            sa.ForeignKey(
                "breaches.id", name=op.f("fk_breach_notices_breach_id_breaches"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("party", sa.String(length=20), nullable=False),
        sa.Column("notified_at", UTC, nullable=False),
        sa.Column("how", sa.Text(), nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        _user("breach_notices", "recorded_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_notices")),
    )
    op.create_index(op.f("ix_breach_notices_breach_id"), "breach_notices", ["breach_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_breach_notices_breach_id"), table_name="breach_notices")
    op.drop_table("breach_notices")
    op.drop_index(op.f("ix_breaches_found_at"), table_name="breaches")
    op.drop_table("breaches")
