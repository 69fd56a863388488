"""auth: second factor (authenticator-app secrets, security keys, recovery codes) and the
Director's choice to require it of every staff member

Revision ID: 0017_second_factor
Revises: 0016_patron_mail
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0017_second_factor"
down_revision = "0016_patron_mail"
branch_labels = None
depends_on = None

UTC = disclosure.db.UTCDateTime(timezone=True)


def _user_id(table: str) -> sa.Column:
    return sa.Column(
        "user_id",
        sa.Integer(),
        sa.ForeignKey("users.id", name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "totp_secrets",
        sa.Column("id", sa.Integer(), nullable=False),
        _user_id("totp_secrets"),
        sa.Column("secret_encrypted", sa.String(length=255), nullable=False),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("confirmed_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_totp_secrets")),
        sa.UniqueConstraint("user_id", name=op.f("uq_totp_secrets_user_id")),
    )
    op.create_table(
        "security_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        _user_id("security_keys"),
        sa.Column("credential_id", sa.String(length=1400), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("last_used_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_keys")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_security_keys_credential_id")),
    )
    op.create_index(op.f("ix_security_keys_user_id"), "security_keys", ["user_id"])
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        _user_id("recovery_codes"),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])
    op.create_table(
        "second_factor_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("required_for_all", sa.Boolean(), nullable=False),
        sa.Column("changed_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factor_policy")),
    )


def downgrade() -> None:
    op.drop_table("second_factor_policy")
    op.drop_index(op.f("ix_recovery_codes_user_id"), "recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_index(op.f("ix_security_keys_user_id"), "security_keys")
    op.drop_table("security_keys")
    op.drop_table("totp_secrets")
