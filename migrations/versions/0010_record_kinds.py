"""records: one key per kind of record (records/kinds.py)

A hold's categories move from one boolean column per category to rows of hold_categories, so
that a kind added to the registry needs no new column. Patrons' requests, consents and frozen
reports' counts take the registry's keys ('registration' -> 'patrons', 'mailing_lists' ->
'mailing_list_subscriptions'). Productions' frozen copies keep the keys they were frozen with:
their exports' SHA-256 are printed on certificates already given out.

Revision ID: 0010_record_kinds
Revises: 0009_report_productions
Create Date: 2026-11-24 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_record_kinds"
down_revision = "0009_report_productions"
branch_labels = None
depends_on = None

# The categories as they stood in 0004 (column covers_<key>), in that order.
CATEGORIES = (
    "loans",
    "computer_sessions",
    "interlibrary_loans",
    "program_registrations",
    "mailing_list_subscriptions",
    "patrons",
)
# The patrons area's former spellings -> the registry's keys.
RENAMED = {"registration": "patrons", "mailing_lists": "mailing_list_subscriptions"}


def upgrade() -> None:
    hold_categories = op.create_table(
        "hold_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["hold_id"], ["holds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hold_id", "category", name="uq_hold_categories_hold_category"),
    )
    holds = _holds_with_categories()
    for key in CATEGORIES:
        op.execute(
            sa.insert(hold_categories).from_select(
                ["hold_id", "category"],
                sa.select(holds.c.id, sa.literal(key)).where(holds.c[f"covers_{key}"] == sa.true()),
            )
        )
    for key in CATEGORIES:
        _drop_column("holds", f"covers_{key}")
    _rename_kinds(RENAMED)


def downgrade() -> None:
    _rename_kinds({new: old for old, new in RENAMED.items()})
    for key in CATEGORIES:
        op.add_column(
            "holds",
            sa.Column(f"covers_{key}", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    holds, hold_categories = _holds_with_categories(), _hold_categories()
    for key in CATEGORIES:
        named = sa.exists().where(
            hold_categories.c.hold_id == holds.c.id, hold_categories.c.category == key
        )
        op.execute(sa.update(holds).where(named).values({f"covers_{key}": sa.true()}))
    op.drop_table("hold_categories")


def _holds_with_categories() -> sa.Table:
    return sa.table(
        "holds",
        sa.column("id", sa.Integer),
        *(sa.column(f"covers_{k}", sa.Boolean) for k in CATEGORIES),
    )


def _hold_categories() -> sa.Table:
    return sa.table(
        "hold_categories", sa.column("hold_id", sa.Integer), sa.column("category", sa.String)
    )


def _drop_column(table: str, column: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a plain column in place (3.35+). Alembic's batch mode would copy the
        # table and drop the old one, and with foreign keys on, dropping `holds` deletes the
        # patrons and computers its holds name (ON DELETE CASCADE).
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def _rename_kinds(renamed: dict[str, str]) -> None:
    """Kinds named in patrons' requests and consents (lists) and frozen reports' counts (keys)."""
    bind = op.get_bind()
    for name, column in (
        ("patron_requests", "kinds"),
        ("consent_releases", "kinds"),
        ("patron_reports", "counts"),
    ):
        table = sa.table(name, sa.column("id", sa.Integer), sa.column(column, sa.JSON))
        for row_id, value in bind.execute(sa.select(table.c.id, table.c[column])).all():
            if isinstance(value, list):
                new = [renamed.get(k, k) for k in value]
            elif isinstance(value, dict):
                new = {renamed.get(k, k): n for k, n in value.items()}
            else:
                continue
            if new != value:
                bind.execute(sa.update(table).where(table.c.id == row_id).values({column: new}))
