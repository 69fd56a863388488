"""Someone else writing while long work runs: after each read the work makes outside a write
transaction of its own, another connection commits a change to one patron's phone number. On
SQLite a transaction that read and then writes fails at once ("database is locked") when another
connection committed in between; the work items must not (disclosure/work.py begin_writing)."""

from __future__ import annotations

import contextlib

from sqlalchemy import event, update

from disclosure.records import models as m


@contextlib.contextmanager
def writing_meanwhile(engine, patron_id: int):
    """Within: after every SELECT on `engine` not under the write lock, another connection
    commits. Yields the list of statements that were followed by such a write."""
    followed: list[str] = []

    def someone_else_commits(conn, _cursor, statement, _params, _context, _many):
        reading = statement.lstrip().upper().startswith("SELECT")
        holding_the_lock = conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE"
        if not reading or holding_the_lock or conn.info.get("bystander"):
            return
        with engine.connect() as other:
            other.info["bystander"] = True
            phone = f"(636) 555-{len(followed):04d}"
            other.execute(update(m.Patron).where(m.Patron.id == patron_id).values(phone=phone))
            other.commit()
        followed.append(statement)

    event.listen(engine, "after_cursor_execute", someone_else_commits)
    try:
        yield followed
    finally:
        event.remove(engine, "after_cursor_execute", someone_else_commits)
