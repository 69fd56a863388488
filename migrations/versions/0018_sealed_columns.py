"""vault: columns sealed at rest become unbounded text (a ciphertext is longer than its text)

Revision ID: 0018_sealed_columns
Revises: 0017_second_factor
Create Date: 2026-12-02 19:50:00

Patrons' contact details, a walk-in's name, an ILL e-mail's address, the consent's recipient and
a gag's issuer were VARCHAR(n); a frozen released record was JSON. Sealed (disclosure/vault.py)
they are text of any length. SQLite does not enforce a VARCHAR's length, so there the VARCHAR
columns keep their declaration (vault's EncryptedText); the JSON column becomes TEXT on both (on
SQLite by rebuilding production_items, which no table references). Values already stored stay
readable as plaintext until `disclosure keys rotate` seals them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_sealed_columns"
down_revision = "0017_second_factor"
branch_labels = None
depends_on = None

# table -> (column, length before)
WIDENED = {
    "patrons": [("name", 120), ("address", 300), ("phone", 40), ("email", 254)],
    "consent_releases": [("recipient", 300)],
    "cases": [("gag_issued_by", 200)],
    "computer_sessions": [("signup_name", 120)],
    "ill_emails": [("to_address", 254)],
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table("production_items") as batch:
            batch.alter_column("data", type_=sa.Text(), existing_type=sa.JSON())
        return
    for table, columns in WIDENED.items():
        for column, length in columns:
            op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))
    op.alter_column(
        "production_items",
        "data",
        type_=sa.Text(),
        existing_type=sa.JSON(),
        postgresql_using="data::text",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table("production_items") as batch:
            batch.alter_column("data", type_=sa.JSON(), existing_type=sa.Text())
        return
    op.alter_column(
        "production_items",
        "data",
        type_=sa.JSON(),
        existing_type=sa.Text(),
        postgresql_using="data::json",
    )
    for table, columns in WIDENED.items():
        for column, length in columns:
            op.alter_column(table, column, type_=sa.String(length), existing_type=sa.Text())
