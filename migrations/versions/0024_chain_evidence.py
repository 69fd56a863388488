"""audit: the hash chain over the audit trail, its verifications, and triggers that refuse
rewriting what is kept as evidence (audit events, final documents, productions, frozen reports)

Revision ID: 0024_chain_evidence
Revises: 0023_public_ids
Create Date: 2026-12-02 19:40:00
"""

from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op

import disclosure.db
from disclosure.audit import chain

revision = "0024_chain_evidence"
down_revision = "0023_public_ids"
branch_labels = None
depends_on = None

UTC = disclosure.db.UTCDateTime(timezone=True)


@dataclass(frozen=True)
class Kept:
    """A table whose rows are evidence: `when` (a condition on OLD, None for every row) says
    which rows are kept; an UPDATE of a kept row may change only `may_change` (and the table's
    REKEYABLE columns); a kept row is never deleted."""

    when: str | None = None
    may_change: tuple[str, ...] = ()


# docs/rules.md R-evidence-unchanged. What the database refuses to rewrite, whoever asks.
KEPT = {
    "audit_events": Kept(),
    "documents": Kept(when="OLD.status = 'final'"),
    # A production is recorded, then its manifest (each export file's SHA-256) is computed from
    # the items and written, in the same transaction (cases/productions.py): sealed from then on.
    "productions": Kept(when="CAST(OLD.manifest AS TEXT) <> '{}'"),
    "production_items": Kept(),
    # The one narrow path: ending a download drops the frozen files' content and stamps when
    # (retention's nightly job, patrons.service.drop_expired_report_content); a gag recorded
    # later takes the gagged matter out of the copy's list and counts (patrons/gagging.py).
    "patron_reports": Kept(
        may_change=(
            "pdf",
            "json_data",
            "csv_data",
            "content_removed_at",
            "counts",
            "production_ids",
        )
    ),
}

# What re-encrypting stored bytes (a key rotation) may change: the stored bytes and their key
# id, never a sha256, which stays as the check that the bytes still say the same (the app
# verifies a final document's SHA-256 each time it serves it). This is the one place to add a
# table's key-id column when encryption at rest gives it one.
REKEYABLE = {
    # what `flask keys rotate` re-seals (disclosure/vault.py): ciphertext only, never a SHA-256
    "documents": ("addressee", "body", "pdf"),
    "production_items": ("data",),
    "patron_reports": ("pdf", "json_data", "csv_data"),
}

REFUSED = "refused: rows of {table} are kept as evidence and cannot be {what}"


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("prev_sha256", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("sha256", sa.String(length=64), nullable=True))
    _chain_existing_events()
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("prev_sha256", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("sha256", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_events_sha256"), ["sha256"])
    op.create_table(
        "audit_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("by", sa.String(length=40), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("head_sha256", sa.String(length=64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("bad_event_id", sa.Integer(), nullable=True),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("anchor_sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_verifications")),
    )
    op.create_index(op.f("ix_audit_verifications_at"), "audit_verifications", ["at"])
    # Last: the chain above was written by UPDATEs the triggers would refuse.
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in KEPT:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_kept ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_never_truncated ON {table}")
        op.execute("DROP FUNCTION IF EXISTS disclosure_keep_evidence()")
    else:
        for table in KEPT:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_kept_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_kept_delete")
    op.drop_index(op.f("ix_audit_verifications_at"), table_name="audit_verifications")
    op.drop_table("audit_verifications")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(op.f("uq_audit_events_sha256"), type_="unique")
        batch.drop_column("sha256")
        batch.drop_column("prev_sha256")


def _chain_existing_events() -> None:
    """Chain the events already written, oldest first, as the app chains new ones."""
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("at", UTC),
        sa.column("actor_user_id", sa.Integer),
        sa.column("actor_patron_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("object_type", sa.String),
        sa.column("object_id", sa.Integer),
        sa.column("case_id", sa.Integer),
        sa.column("detail", sa.Text),
        sa.column("prev_sha256", sa.String),
        sa.column("sha256", sa.String),
    )
    bind = op.get_bind()
    prev, after = chain.GENESIS, 0
    while True:
        rows = bind.execute(
            sa.select(*[events.c[name] for name in COLUMNS])
            .where(events.c.id > after)
            .order_by(events.c.id)
            .limit(chain.BATCH)
        ).all()
        if not rows:
            return
        hashed = []
        for row in rows:
            sha = chain.link(prev, chain.content(*row[1:8], row.detail or ""))
            hashed.append({"event_id": row.id, "prev": prev, "sha": sha})
            prev = sha
        bind.execute(
            events.update()
            .where(events.c.id == sa.bindparam("event_id"))
            .values(prev_sha256=sa.bindparam("prev"), sha256=sa.bindparam("sha")),
            hashed,
        )
        after = rows[-1].id


COLUMNS = (
    "id",
    "at",
    "actor_user_id",
    "actor_patron_id",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "detail",
)


def _postgresql_triggers() -> None:
    """One function: a DELETE is refused; an UPDATE is refused unless it changes only the
    columns named in the trigger's arguments (the row as JSON, less those, is compared, so a
    column added later is protected without a new trigger)."""
    op.execute(
        """
        CREATE FUNCTION disclosure_keep_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            may_change text[] := coalesce(TG_ARGV, '{}'::text[]);  -- none given: NULL
        BEGIN
            IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
                RAISE EXCEPTION 'refused: rows of % are kept as evidence and cannot be deleted',
                    TG_TABLE_NAME;
            END IF;
            IF (to_jsonb(NEW) - may_change) IS DISTINCT FROM (to_jsonb(OLD) - may_change) THEN
                RAISE EXCEPTION 'refused: rows of % are kept as evidence and cannot be changed',
                    TG_TABLE_NAME;
            END IF;
            RETURN NEW;
        END $$
        """
    )
    for table, kept in KEPT.items():
        may_change = kept.may_change + REKEYABLE.get(table, ())
        arguments = ", ".join(f"'{column}'" for column in may_change)
        when = f"WHEN ({kept.when})" if kept.when else ""
        op.execute(
            f"CREATE TRIGGER {table}_kept BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW "
            f"{when} EXECUTE FUNCTION disclosure_keep_evidence({arguments})"
        )
        op.execute(
            f"CREATE TRIGGER {table}_never_truncated BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION disclosure_keep_evidence()"
        )


def _sqlite_triggers() -> None:
    """SQLite has no row as JSON: the columns a kept row may not change are listed from the
    table as it is now. A later migration that adds a column to one of these tables, or that
    rebuilds one (batch mode on SQLite drops its triggers), must create its triggers again."""
    inspector = sa.inspect(op.get_bind())
    for table, kept in KEPT.items():
        may_change = set(kept.may_change + REKEYABLE.get(table, ()))
        columns = [c["name"] for c in inspector.get_columns(table) if c["name"] not in may_change]
        changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
        update_when = f"({kept.when}) AND ({changed})" if kept.when else changed
        refused = REFUSED.format(table=table, what="changed")
        op.execute(
            f"CREATE TRIGGER {table}_kept_update BEFORE UPDATE ON {table} "
            f"WHEN {update_when} BEGIN SELECT RAISE(ABORT, '{refused}'); END"
        )
        delete_when = f"WHEN {kept.when}" if kept.when else ""
        refused = REFUSED.format(table=table, what="deleted")
        op.execute(
            f"CREATE TRIGGER {table}_kept_delete BEFORE DELETE ON {table} {delete_when} "
            f"BEGIN SELECT RAISE(ABORT, '{refused}'); END"
        )
