"""cases: a restricted series for cases gagged from intake (numbers that count nothing)

Revision ID: 0007_case_series
Revises: 0004_holds
Create Date: 2026-11-23 16:50:46.981181
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_case_series"
down_revision = "0004_holds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("series", sa.String(length=2), server_default="", nullable=False)
        )
        batch_op.drop_constraint(batch_op.f("uq_cases_year_number"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_cases_year_series_number", ["year", "series", "number"]
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cases_year_series_number", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_cases_year_number"), ["year", "number"])
        batch_op.drop_column("series")
