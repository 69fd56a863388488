"""The preservation store (docs/rules.md R-hold-preserved-apart): a hold keeps its own copy of a
record, and the ordinary row follows the retention schedule exactly.

Before the purge deletes, an anonymisation strips, or a patron's change alters a record an
active hold covers (holds.coverage.held, the one hold predicate), `preserve` copies the row as
it stands into `preserved_records`, tied to every active hold that covers it
(coverage.covering_holds and covering_hold_ids: the same rule, as pairs), in the caller's
transaction: the copy and the change commit together or not at all. A copy's content is written
by `content_of` and read by `read_content` only, into one column type
(holds.models.PreservedContent), so the store can be encrypted in one place. Nothing in
ordinary use reads the store: only the Director's preservation pages and the productions of the
holds' cases do.

When the last hold tied to a copy has ended, the next purge run deletes the copy
(`remove_unheld_copies`)."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Text,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    not_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.holds import coverage, locks
from disclosure.holds.models import Hold, PreservedRecord, PreservedRecordHold
from disclosure.records import kinds
from disclosure.web import paging

PR = PreservedRecord.__table__
PRH = PreservedRecordHold.__table__
NOT_COPIED = frozenset({"pin_hash", "session_version"})  # secrets, not records

# why a copy was made, in the Director's words
WHY = {
    "purge": "past its retention period (purge)",
    "anonymisation": "before its personal data was removed (purge)",
    "email_removed": "before the patron removed their e-mail address",
    "corrected": "before a correction the patron asked for",
    "imported": "before an import from the library's own system changed it",
}
CHUNK = 500  # ids per statement (a few hundred bound values on either database)


def _plain(value):
    kind = type(value)
    if kind is datetime or kind is date:
        return value.isoformat()
    if kind is Decimal:
        return str(value)
    return value


@functools.cache
def _copied_columns(table) -> tuple:
    """The columns a copy of `table`'s rows keeps, sorted by name (the JSON's key order)."""
    return tuple(sorted((c for c in table.columns if c.key not in NOT_COPIED), key=lambda c: c.key))


def content_of(table, row) -> str:
    """A row's columns as the JSON text a copy keeps (THE one writer of a copy's content)."""
    mapping = row._mapping
    # keys already sorted: json.dumps without options takes its fast path, same text as sort_keys
    return json.dumps({c.key: _plain(mapping[c]) for c in _copied_columns(table)})


def read_content(copy) -> dict:
    """A copy's content as a dict (THE one reader)."""
    return json.loads(copy.content)


def _conn(bind) -> Connection:
    """The connection of `bind` (a Connection, or a Session or scoped session: its current one)."""
    return bind if isinstance(bind, Connection) else bind.connection()


def preserve(bind, kind: str, where: ColumnElement[bool], why: str, at: datetime | None = None):
    """Copy the rows of `kind` that `where` picks and an active hold covers into the store, tied
    to each covering hold; returns how many were copied. Call it in the transaction that then
    deletes or alters them, after taking holds.locks.hold_lock."""
    return preserve_tied(bind, kind, where, why, at)[0]


def preserve_tied(
    bind, kind: str, where: ColumnElement[bool], why: str, at: datetime | None = None
) -> tuple[int, dict[int, int]]:
    """`preserve`, returning also how many copies it tied to each hold (hold id -> copies): of
    the records about to go, how many each hold covered (the purge takes them from its counts)."""
    conn, at = _conn(bind), at or clock.now()
    if conn.dialect.name == "postgresql":
        return _preserve_paired(conn, kind, where, why, at)
    table = kinds.get(kind).table
    rows = conn.execute(
        select(table).where(where, coverage.held(kind, table, at=at)).order_by(table.c.id)
    ).all()
    if not rows:
        return 0, {}
    just_made, before = _copy(conn, kind, rows, why, at)
    conn.execute(insert(PRH).from_select(["preserved_id", "hold_id"], _links(kind, just_made, at)))
    return len(rows), _tied_since(conn, before)


def _preserve_paired(conn, kind: str, where, why: str, at: datetime) -> tuple[int, dict[int, int]]:
    """`preserve_tied` on PostgreSQL: one statement finds the rows `where` picks with the ids of
    the active holds that cover each (coverage.covering_holds, the hold predicate as pairs: a
    row is held exactly when some hold covers it), so the rule is evaluated once per row for
    both the copy and its ties; the copies and their ties then go in by COPY. Measured on the
    purge benchmark, this costs the server less than the hold predicate alone followed by a
    statement joining the copies back to their records and holds."""
    table = kinds.get(kind).table
    pairs = union_all(
        *(q.where(where) for q in coverage.covering_holds(kind, table, coverage.active_holds(at)))
    ).subquery()
    holds_of = (
        # the ids as one text: cheaper to send and read than an array
        select(
            pairs.c.record_id, func.string_agg(cast(pairs.c.hold_id, Text), ",").label("hold_ids")
        )
        .group_by(pairs.c.record_id)
        .subquery()
    )
    rows = conn.execute(
        select(table, holds_of.c.hold_ids)
        .join(holds_of, holds_of.c.record_id == table.c.id)
        .order_by(table.c.id)
    ).all()
    if not rows:
        return 0, {}
    just_made, _before = _copy(conn, kind, rows, why, at)
    copy_of = dict(conn.execute(select(PR.c.original_id, PR.c.id).where(just_made)).all())
    ties = [(copy_of[row.id], int(hold)) for row in rows for hold in row.hold_ids.split(",")]
    _copy_in(conn, PRH.name, ("preserved_id", "hold_id"), ties)
    return len(rows), dict(Counter(hold for _copy_id, hold in ties))


def _copy(conn, kind: str, rows, why: str, at: datetime):
    """Write a copy of each of `rows` (of `kind`, with an id each); (a clause picking the copies
    just made, the highest copy id before them)."""
    # Every writer of the store holds the holds-versus-purge lock (holds.locks), so the copies
    # made here are exactly those with an id above the highest one before.
    before = conn.scalar(select(func.coalesce(func.max(PR.c.id), 0)))
    table = kinds.get(kind).table
    _write(conn, [(kind, row.id, content_of(table, row), at, why) for row in rows])
    # the copies' original ids bound them too: the (kind, original_id) index then reads this
    # batch's copies only, not every earlier copy of the kind
    first, last = min(row.id for row in rows), max(row.id for row in rows)
    return and_(PR.c.kind == kind, PR.c.original_id.between(first, last), PR.c.id > before), before


COPIED = ("kind", "original_id", "content", "preserved_at", "why")


def _write(conn, copies: list[tuple]) -> None:
    """Insert `copies` (values of COPIED), each value through its column's type (the content
    sealed by PreservedContent): by COPY on PostgreSQL, whose many-row INSERT costs the server
    more to parse than the rows cost to store; by INSERT elsewhere."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(PR), [dict(zip(COPIED, values, strict=True)) for values in copies])
        return
    processors = [PR.c[name].type.bind_processor(conn.dialect) for name in COPIED]
    _copy_in(
        conn,
        PR.name,
        COPIED,
        (
            [v if p is None else p(v) for v, p in zip(values, processors, strict=True)]
            for values in copies
        ),
    )


def _copy_in(conn, table_name: str, columns: tuple, rows) -> None:
    """Send `rows` (values ready for the database) into `table_name` by COPY (PostgreSQL)."""
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor, cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
        for values in rows:
            copy.write_row(values)


def _tied_since(conn, before: int) -> dict[int, int]:
    """Hold id -> how many of the copies made after copy `before` are tied to it."""
    return dict(
        conn.execute(
            select(PRH.c.hold_id, func.count())
            .where(PRH.c.preserved_id > before)
            .group_by(PRH.c.hold_id)
        ).all()
    )


def preserve_patrons(bind, where: ColumnElement[bool], at: datetime) -> dict[str, tuple]:
    """Before the purge deletes the expired patrons `where` picks: copy every record of theirs
    an active hold covers (those going with them and those losing their link to them), then the
    registration record of each patron an active hold names or covers anything of
    (coverage.patron_named_or_held), tied to each such hold, so that a production of the case
    finds their preserved records by card number. Returns, per kind, (how many copied, copies
    tied per hold)."""
    conn = _conn(bind)
    patrons = kinds.PATRONS.table
    going = select(patrons.c.id).where(where)
    kept = {
        spec.key: preserve_tied(conn, spec.key, spec.patron_of().in_(going), "purge", at)
        for spec in kinds.every()
        if spec.key != kinds.PATRONS.key
    }
    kept[kinds.PATRONS.key] = _preserve_registrations(conn, where, at)
    return kept


def _preserve_registrations(conn, where, at: datetime) -> tuple[int, dict[int, int]]:
    table = kinds.PATRONS.table
    rows = conn.execute(
        select(table)
        .where(where, coverage.patron_named_or_held(table.c.id, at=at))
        .order_by(table.c.id)
    ).all()
    if not rows:
        return 0, {}
    just_made, before = _copy(conn, kinds.PATRONS.key, rows, "purge", at)
    pairs = coverage.holds_keeping_patrons(
        select(PR.c.original_id).where(just_made), at=at
    ).subquery()
    ties = (
        select(PR.c.id, pairs.c.hold_id)
        .join(pairs, pairs.c.patron_id == PR.c.original_id)
        .where(just_made)
        .distinct()
    )
    conn.execute(insert(PRH).from_select(["preserved_id", "hold_id"], ties))
    return len(rows), _tied_since(conn, before)


def _links(kind: str, just_made, at: datetime):
    """(copy id, hold id) for each copy just made and each active hold that covers its record:
    the batch's copies joined to their records and, scope by scope, to the holds that cover them
    (coverage.covering_holds, the hold predicate as pairs), set-based in one statement. A scope
    names each hold once per record (its patrons and computers are unique per hold) and the
    scopes are apart, so no pair comes twice."""
    table = kinds.get(kind).table
    copies = and_(PR.c.original_id == table.c.id, just_made)
    return union_all(
        *(
            pairs.with_only_columns(PR.c.id, coverage.H.c.id).join_from(table, PR, copies)
            for pairs in coverage.covering_holds(kind, table, coverage.active_holds(at))
        )
    )


def remove_unheld_copies(bind, at: datetime | None = None) -> dict[str, int]:
    """Untie every copy from the holds no longer active, and delete the copies no active hold
    keeps; returns how many went, per kind (the purge counts them)."""
    conn, at = _conn(bind), at or clock.now()
    H, C = coverage.H, coverage.C
    active = (
        select(H.c.id)
        .select_from(H.join(C, C.c.id == H.c.case_id))
        .where(coverage.active_holds(at))
    )
    conn.execute(delete(PRH).where(PRH.c.hold_id.not_in(active)))
    orphan = not_(exists().where(PRH.c.preserved_id == PR.c.id))
    gone = dict(
        conn.execute(select(PR.c.kind, func.count()).where(orphan).group_by(PR.c.kind)).all()
    )
    if gone:
        conn.execute(delete(PR).where(orphan))
    return gone


# ---- reading the store: the Director's preservation pages, productions -----------------------


def _of_hold(hold_id: int):
    return exists().where(PRH.c.preserved_id == PR.c.id, PRH.c.hold_id == hold_id)


def counts_for_hold(session: Session, hold: Hold) -> dict[str, int]:
    """How many copies the hold keeps, per kind (in the registry's order)."""
    found = dict(
        session.execute(
            select(PR.c.kind, func.count()).where(_of_hold(hold.id)).group_by(PR.c.kind)
        ).all()
    )
    return {k: found[k] for k in kinds.every_key() if found.get(k)}


def copies_for_hold(hold: Hold, kind: str):
    """SELECT of the copies of `kind` the hold keeps, oldest original first."""
    return (
        select(PreservedRecord)
        .where(PreservedRecord.kind == kind, _of_hold(hold.id))
        .order_by(PreservedRecord.original_id, PreservedRecord.id)
    )


def copies_for_case(session: Session, case_id: int) -> list[tuple[PreservedRecord, list[int]]]:
    """Every copy the case's holds keep, with the ids of the case's holds that keep it."""
    links = session.execute(
        select(PRH.c.preserved_id, PRH.c.hold_id)
        .join(coverage.H, coverage.H.c.id == PRH.c.hold_id)
        .where(coverage.H.c.case_id == case_id)
        .order_by(PRH.c.preserved_id, PRH.c.hold_id)
    ).all()
    holds_of: dict[int, list[int]] = {}
    for preserved_id, hold_id in links:
        holds_of.setdefault(preserved_id, []).append(hold_id)
    if not holds_of:
        return []
    copies = session.scalars(
        select(PreservedRecord)
        .where(PreservedRecord.id.in_(list(holds_of)))
        .order_by(PreservedRecord.kind, PreservedRecord.original_id, PreservedRecord.id)
    )
    return [(c, holds_of[c.id]) for c in copies]


def preserve_one(session: Session, kind: str, record_id: int, why: str) -> int:
    """Copy one record into the store when an active hold covers it (before a patron's change
    alters it); returns 1 when copied, else 0. It takes the holds-versus-purge lock first, so a
    hold being placed now cannot slip between the copy and the change."""
    locks.hold_lock(session)
    table = kinds.get(kind).table
    session.flush()
    return preserve(session, kind, table.c.id == record_id, why)


def copies_for_production(session: Session, case_id: int) -> list[tuple]:
    """What a production of the case draws from the store (cases.productions.preserved_copies):
    (kind, original id, content, preserved at) of every copy its holds keep."""
    return [
        (copy.kind, copy.original_id, read_content(copy), copy.preserved_at)
        for copy, _holds in copies_for_case(session, case_id)
    ]


# The Director's page shows the copies a page at a time: a hold over a branch's computers keeps
# every session the 3-day schedule would have deleted, tens of thousands in 180 days (60,000 took
# 4.5 s of CPU on one page, and a browser would choke on it). A page of 100 is bounded.
COPIES_PER_PAGE = 100


def view_copies(session: Session, director, hold: Hold, kind: str, number: int = 1) -> paging.Page:
    """Page `number` of the copies of `kind` the hold keeps, as (copy, content), for the
    Director's page; the viewing is audited (counts only)."""
    page = paging.paginate(
        session, copies_for_hold(hold, kind), number=number, per_page=COPIES_PER_PAGE
    )
    audit.record(
        session,
        director,
        "hold.preserved_viewed",
        "hold",
        hold.id,
        case_id=hold.case_id,
        detail=f"kind={kind} copies={page.total} page={page.number}",
    )
    return dataclasses.replace(page, items=[(copy, read_content(copy)) for copy in page.items])


def keep_prior_versions(session: Session, kind: str, ids: list[int]) -> set[int]:
    """Before an import changes the records `ids` of `kind`, copy the held ones into the store
    (records.importer.keep_prior_versions); returns the ids of the holds the copies were tied
    to (the holds that covered them before the change)."""
    locks.hold_lock(session)
    table = kinds.get(kind).table
    session.flush()
    holds: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = table.c.id.in_(ids[start : start + CHUNK])
        holds |= set(preserve_tied(session, kind, chunk, "imported")[1])
    return holds


def recount_imported(
    session: Session, kind: str, first_new: int, changed: list[int], earlier: set[int]
) -> int:
    """After an import of `kind` (records.importer.recount_imported): count again the active
    holds that cover a record it added (id from `first_new` on) or changed (`changed`), and
    those that covered a changed one before (`earlier`), for that kind only; returns how many
    holds. Only these holds' counts can have moved."""
    locks.hold_lock(session)
    table = kinds.get(kind).table
    session.flush()
    holds = set(earlier) | coverage.holds_covering(session, kind, table.c.id >= first_new)
    for start in range(0, len(changed), CHUNK):
        chunk = table.c.id.in_(changed[start : start + CHUNK])
        holds |= coverage.holds_covering(session, kind, chunk)
    if holds:
        coverage.refresh_counts(session, sorted(holds), only=kind)
    return len(holds)
