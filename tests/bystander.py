"""Someone else writing while long work runs: after each read the work makes outside a write
transaction of its own, another connection commits a change to one patron's phone number. On
SQLite a transaction that read and then writes fails at once ("database is locked") when another
connection committed in between; the work items must not (disclosure/db.py begin_writing), nor
the scheduler's jobs (disclosure/jobs.py run_job).

commits_without_waiting: someone commits now and, on SQLite, refuses to wait for the write lock:
it fails when the work holds the lock (as it must not while it waits on an e-mail server)."""

from __future__ import annotations

import contextlib

from sqlalchemy import event, update

from disclosure.db import db
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


def commits_without_waiting(engine, patron_id: int, phone: str) -> None:
    """Another connection commits `phone` as the patron's phone number now; on SQLite it raises
    at once ("database is locked") if anyone holds the write lock, instead of waiting for it."""
    with engine.connect() as other:
        other.info["bystander"] = True
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            patience = other.exec_driver_sql("PRAGMA busy_timeout").scalar()
            other.exec_driver_sql("PRAGMA busy_timeout=0")
            other.commit()
        try:
            other.execute(update(m.Patron).where(m.Patron.id == patron_id).values(phone=phone))
            other.commit()
        finally:
            other.rollback()
            if sqlite:  # the pool's connection waits as long as before
                other.exec_driver_sql(f"PRAGMA busy_timeout={int(patience)}")
                other.commit()


def committing_while_sending(app, handler, patron_id: int) -> list[str]:
    """While the SMTP server fixture (tests/conftest.py smtp_server) takes each message, someone
    commits first, without waiting for the write lock. Returns the list of what they committed:
    one entry per message taken (an entry missing: the sender held the lock while it waited)."""
    committed: list[str] = []
    keep = handler.handle_DATA

    async def handle_DATA(server, session, envelope):
        phone = f"(636) 555-9{len(committed):03d}"
        with app.app_context():
            commits_without_waiting(db.engine_for(app), patron_id, phone)
        committed.append(phone)
        return await keep(server, session, envelope)

    handler.handle_DATA = handle_DATA
    return committed


def sending_twice_while_writing(app, handler, patron_id: int, send) -> tuple[list[str], int]:
    """Run the outbox's `send()` twice (the second run must find nothing left) while the library
    writes: after each read outside the write lock (writing_meanwhile), and while the server
    takes each message (committing_while_sending). Returns the recipients the server got,
    sorted, and how many times someone committed beside a message without waiting."""
    committed = committing_while_sending(app, handler, patron_id)
    with writing_meanwhile(db.engine_for(app), patron_id):
        send()
        send()
    return sorted(message.rcpt_tos[0] for message in handler.messages), len(committed)
