"""holds: the preservation store (a hold keeps its own copy of a record; the ordinary row follows
the schedule), and the purge's counts of copies made and removed

Records kept today only because a hold covers them are past their retention: the first purge
after this migration copies each into the store and deletes it in the same batch (crash-safe,
under the holds-versus-purge lock), so nothing is copied here.

Revision ID: 0026_preservation_store
Revises: 0025_patron_language
Create Date: 2026-12-02 19:40:00
"""

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision = "0026_preservation_store"
down_revision = "0025_patron_language"
branch_labels = None
depends_on = None

UTC = disclosure.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "preserved_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("preserved_at", UTC, nullable=False),
        sa.Column("why", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preserved_records")),
    )
    op.create_index(
        "ix_preserved_records_kind_original", "preserved_records", ["kind", "original_id"]
    )
    op.create_table(
        "preserved_record_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "preserved_id",
            sa.Integer(),
            sa.ForeignKey(
                "preserved_records.id",
                name=op.f("fk_preserved_record_holds_preserved_id_preserved_records"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column(
            "hold_id",
            sa.Integer(),
            sa.ForeignKey(
                "holds.id", name=op.f("fk_preserved_record_holds_hold_id_holds"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preserved_record_holds")),
        sa.UniqueConstraint(
            "preserved_id", "hold_id", name="uq_preserved_record_holds_record_hold"
        ),
    )
    op.create_index(
        op.f("ix_preserved_record_holds_hold_id"), "preserved_record_holds", ["hold_id"]
    )
    with op.batch_alter_table("purge_run_counts") as batch_op:
        batch_op.add_column(
            sa.Column("preserved", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("copies_removed", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("purge_run_counts") as batch_op:
        batch_op.drop_column("copies_removed")
        batch_op.drop_column("preserved")
    op.drop_index(op.f("ix_preserved_record_holds_hold_id"), "preserved_record_holds")
    op.drop_table("preserved_record_holds")
    op.drop_index("ix_preserved_records_kind_original", "preserved_records")
    op.drop_table("preserved_records")
