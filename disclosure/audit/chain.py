"""The hash chain over the audit trail (docs/rules.md R-audit-chained).

Each event stores `prev_sha256`, the hash of the event before it, and `sha256`, the SHA-256 of
that hash and the event's own content. Changing, re-attributing or deleting one event breaks the
chain from there on; rewriting the whole chain is caught by an anchor kept outside the database
(the head's hash and count, sent to the Director every day and printed in the annual report).

Events are chained as they are flushed, under one lock, so that two transactions writing events
at once still make one chain:
- PostgreSQL: the transaction-scoped advisory lock the purge and hold placement already take
  (holds/locks.py); the head is read after the lock is held, and the lock lasts until commit.
- SQLite: one writer at a time. A web request begins with BEGIN IMMEDIATE, the write lock
  (db.py), so its head is read under that lock; elsewhere (the scheduler's work) the head is
  read in the transaction's snapshot, and a writer whose snapshot is stale is refused by SQLite
  ("database is locked") rather than allowed to fork the chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, event, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from disclosure import clock
from disclosure.audit.models import AuditEvent

GENESIS = "0" * 64  # what the first event follows
WRITE_LOCK_KEY = 4_148_201_604  # arbitrary, fixed: "holds, purges and the audit chain"
BATCH = 5_000
NOT_FOLLOWING = (
    "does not follow the event before it: an event before it was deleted, or its hash rewritten"
)
CHANGED = "does not match its hash: it was changed after it was written"


def write_lock(bind) -> None:
    """Take the app's write lock (advisory, PostgreSQL) for the rest of this transaction (`bind`:
    a Session or a Connection). On SQLite the transaction's write lock does this job."""
    dialect = bind.dialect if isinstance(bind, Connection) else bind.get_bind().dialect
    if dialect.name == "postgresql":
        bind.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


def content(
    at: datetime,
    actor_user_id: int | None,
    actor_patron_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None,
    case_id: int | None,
    detail: str,
) -> str:
    """The event's content as one unambiguous text: what its hash covers."""
    when = at.astimezone(UTC).isoformat(timespec="microseconds")
    words = [when, actor_user_id, actor_patron_id, action, object_type, object_id, case_id, detail]
    return json.dumps(words, ensure_ascii=False, separators=(",", ":"))


def link(prev_sha256: str, event_content: str) -> str:
    """The hash of an event that follows `prev_sha256` and holds `event_content`."""
    return hashlib.sha256(f"{prev_sha256}\n{event_content}".encode()).hexdigest()


def content_of(audit_event: AuditEvent) -> str:
    """`content` of a stored (or about to be stored) event."""
    return content(
        audit_event.at,
        audit_event.actor_user_id,
        audit_event.actor_patron_id,
        audit_event.action,
        audit_event.object_type,
        audit_event.object_id,
        audit_event.case_id,
        audit_event.detail or "",
    )


@dataclass(frozen=True)
class Head:
    """The newest event's hash and how many events the chain holds: the anchor."""

    sha256: str
    count: int
    last_id: int | None


def head(session: Session) -> Head:
    """The chain's head now."""
    last = session.execute(
        select(AuditEvent.id, AuditEvent.sha256).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    count = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return Head(last.sha256 if last else GENESIS, count, last.id if last else None)


@event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, _context, _instances) -> None:
    """Chain the events this flush will insert, in the order they were added (their ids)."""
    new = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.sha256 is None]
    if not new:
        return
    new.sort(key=lambda obj: instance_state(obj).insert_order)
    write_lock(session)
    prev = session.scalar(
        select(AuditEvent.sha256)
        .order_by(AuditEvent.id.desc())
        .limit(1)
        .execution_options(autoflush=False)
    )
    prev = prev or GENESIS
    for audit_event in new:
        audit_event.at = audit_event.at or clock.now()
        audit_event.detail = audit_event.detail or ""
        audit_event.prev_sha256 = prev
        audit_event.sha256 = prev = link(prev, content_of(audit_event))


# ---- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """What a walk of the chain found: how many events it checked, the head it reached, and the
    first event that does not match (None when all do)."""

    checked: int
    head_sha256: str
    bad_event_id: int | None = None
    problem: str = ""
    anchor_found: bool | None = None  # None: no anchor given

    @property
    def ok(self) -> bool:
        return self.bad_event_id is None and self.anchor_found is not False


def _batches(session: Session) -> Iterator[list]:
    after = 0
    columns = (
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.actor_user_id,
        AuditEvent.actor_patron_id,
        AuditEvent.action,
        AuditEvent.object_type,
        AuditEvent.object_id,
        AuditEvent.case_id,
        AuditEvent.detail,
        AuditEvent.prev_sha256,
        AuditEvent.sha256,
    )
    while True:
        rows = session.execute(
            select(*columns).where(AuditEvent.id > after).order_by(AuditEvent.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        after = rows[-1].id


def verify(
    session: Session, against: str | None = None, progress: Callable[[int], None] | None = None
) -> Finding:
    """Walk the chain oldest first, in batches; stop at the first event that does not match.
    `against`: a head hash kept outside the database, which must be one of the chain's hashes.
    `progress(n)` is told of each batch's size."""
    against = (against or "").strip().lower() or None
    prev, checked, anchor_found = GENESIS, 0, None if against is None else False
    for rows in _batches(session):
        for row in rows:
            if row.prev_sha256 != prev:
                return Finding(checked, prev, row.id, NOT_FOLLOWING, anchor_found)
            if row.sha256 != link(prev, content(*row[1:8], row.detail or "")):
                return Finding(checked, prev, row.id, CHANGED, anchor_found)
            prev, checked = row.sha256, checked + 1
            if against is not None and prev == against:
                anchor_found = True
        if progress is not None:
            progress(len(rows))
    return Finding(checked, prev, anchor_found=anchor_found)
