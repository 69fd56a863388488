"""What a database owner can do that the app cannot stop: switch the evidence triggers off (for
the rest of the test's transaction, which is rolled back)."""

from __future__ import annotations

from sqlalchemy import text


def owner_disables_triggers(session, table: str) -> None:
    """Switch off `table`'s triggers that keep evidence, as its owner could."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_kept"))
    else:
        connection.execute(text(f"DROP TRIGGER {table}_kept_update"))
        connection.execute(text(f"DROP TRIGGER {table}_kept_delete"))
