"""patrons: the patrons' e-mail outbox and one-time links to set a PIN

Revision ID: 0016_patron_mail
Revises: 0015_work_items
Create Date: 2026-12-02 17:40:00
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0016_patron_mail"
down_revision = "0015_work_items"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patron_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patron_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=40), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("once_key", sa.String(length=80), nullable=True),
        sa.Column("created_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("emailed_at", disclosure.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("email_error", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["patron_id"],
            ["patrons.id"],
            name=op.f("fk_patron_emails_patron_id_patrons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patron_emails")),
        sa.UniqueConstraint("once_key", name=op.f("uq_patron_emails_once_key")),
    )
    op.create_index(
        op.f("ix_patron_emails_patron_id"), "patron_emails", ["patron_id"], unique=False
    )
    op.create_index(
        op.f("ix_patron_emails_emailed_at"), "patron_emails", ["emailed_at"], unique=False
    )
    op.create_table(
        "patron_pin_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patron_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("created_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", disclosure.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", disclosure.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_patron_pin_links_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patron_id"],
            ["patrons.id"],
            name=op.f("fk_patron_pin_links_patron_id_patrons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patron_pin_links")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_patron_pin_links_token_sha256")),
    )
    op.create_index(
        op.f("ix_patron_pin_links_patron_id"), "patron_pin_links", ["patron_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("patron_pin_links")
    op.drop_table("patron_emails")
