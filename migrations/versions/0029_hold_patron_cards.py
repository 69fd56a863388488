"""holds: a hold's link to a patron keeps the card number it names, and outlives the patron

Revision ID: 0029_hold_patron_cards
Revises: 0028_render_work_results
Create Date: 2026-12-03 06:00:00

The purge deletes an expired patron's registration (copied to the preservation store first).
The link used to go with it (ON DELETE CASCADE), so the hold's page and its letters stopped
naming the card, and a hold on patrons read as one on every patron's records of its categories.
Now the link stays with its card number; the patron id becomes empty (ON DELETE SET NULL).
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_hold_patron_cards"
down_revision = "0028_render_work_results"
branch_labels = None
depends_on = None

FK = "fk_hold_patrons_patron_id_patrons"


def upgrade() -> None:
    with op.batch_alter_table("hold_patrons") as batch:
        batch.add_column(sa.Column("card_number", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE hold_patrons SET card_number = "
        "(SELECT card_number FROM patrons WHERE patrons.id = hold_patrons.patron_id)"
    )
    with op.batch_alter_table("hold_patrons") as batch:
        batch.alter_column("card_number", existing_type=sa.String(length=32), nullable=False)
        batch.alter_column("patron_id", existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint(FK, type_="foreignkey")
        batch.create_foreign_key(FK, "patrons", ["patron_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    # links whose patron has gone cannot point at a patron again
    op.execute("DELETE FROM hold_patrons WHERE patron_id IS NULL")
    with op.batch_alter_table("hold_patrons") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.create_foreign_key(FK, "patrons", ["patron_id"], ["id"], ondelete="CASCADE")
        batch.alter_column("patron_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("card_number")
