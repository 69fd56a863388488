"""auth: sign-in limits kept in the database for staff accounts, cards and addresses

Revision ID: 0012_sign_in_limits
Revises: 0011_scheduler_heartbeat
Create Date: 2026-12-02 16:40:00

The patrons' own lock table gives way to one table for every kind of sign-in; its rows are
only counts of recent failures, so they are not carried over.
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0012_sign_in_limits"
down_revision = "0011_scheduler_heartbeat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_locks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_failed_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", disclosure.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_locks")),
        sa.UniqueConstraint("scope", "subject_key", name=op.f("uq_sign_in_locks_scope")),
    )
    op.create_table(
        "sign_in_address_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("card_key", sa.String(length=64), nullable=False),
        sa.Column("tried_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_address_cards")),
        sa.UniqueConstraint(
            "address_key", "card_key", name=op.f("uq_sign_in_address_cards_address_key")
        ),
    )
    op.create_index(
        op.f("ix_sign_in_address_cards_address_key"),
        "sign_in_address_cards",
        ["address_key"],
        unique=False,
    )
    op.drop_table("patron_sign_in_locks")


def downgrade() -> None:
    op.create_table(
        "patron_sign_in_locks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", disclosure.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patron_sign_in_locks")),
        sa.UniqueConstraint("card_key", name=op.f("uq_patron_sign_in_locks_card_key")),
    )
    op.drop_index(op.f("ix_sign_in_address_cards_address_key"), "sign_in_address_cards")
    op.drop_table("sign_in_address_cards")
    op.drop_table("sign_in_locks")
