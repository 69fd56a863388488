"""THE ONE CHOKE POINT for the hold rule (docs/rules.md R-hold-keeps-records): while an active
hold covers a record, no purge, anonymisation or patron-initiated deletion may touch it.

`held(kind, row)` is a set-based SQL predicate, "this row is covered by an active hold", that
every purge, anonymisation and deletion puts in its WHERE clause; `patron_is_held` answers the
same question for everything of one patron. Do not write a second version of this rule.

A hold is active while it is not released and either its date has not passed or its case has a
court order and is still open. It covers a record when the record's kind is in the hold's
categories and the record matches every narrowing the hold names: its patrons, its workstations
or its branch, its time window (the record's time span overlaps the window).

For speed the predicate is an OR of one EXISTS per hold scope, each driven by an index: named
patrons (hold_patrons.patron_id), workstations (hold_workstations.workstation_id), a branch
(holds.scope, holds.branch_id), the whole library (holds.scope). A 1,000,000-row purge then
costs a few index probes per row, whatever the number of holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, FromClause, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.cases.models import Case
from disclosure.holds import locks
from disclosure.holds.models import Category, Hold, HoldPatron, HoldWorkstation, Scope
from disclosure.records import models as m

H = Hold.__table__
HP = HoldPatron.__table__
HW = HoldWorkstation.__table__
C = Case.__table__


@dataclass(frozen=True)
class RecordKind:
    """A kind of library record: its table, the hold category that covers it, and the columns a
    hold's narrowing compares with (each a function of the row, so aliases work)."""

    key: str
    label: str  # plural, capitalised: "Loans"
    table: FromClause
    category: Category
    patron_of: Callable
    starts: Callable
    ends: Callable | None = None  # None: a moment (starts); a NULL end: still going on
    branch_of: Callable | None = None
    workstation_of: Callable | None = None


L, S, W = m.Loan.__table__, m.ComputerSession.__table__, m.Workstation.__table__
ILL, E = m.InterlibraryLoan.__table__, m.IllEmail.__table__
PR, PG = m.ProgramRegistration.__table__, m.Program.__table__
MS, P = m.MailingListSubscription.__table__, m.Patron.__table__


def _lookup(table, column: str, key):
    """A column of the row `key` points to, through an alias of its own (so that a query that
    also reads `table` is not correlated with it by mistake)."""
    other = table.alias()
    return (
        select(other.c[column]).where(other.c.id == key).correlate_except(other).scalar_subquery()
    )


RECORD_KINDS: dict[str, RecordKind] = {
    k.key: k
    for k in (
        RecordKind(
            "loans",
            "Loans (circulation history)",
            L,
            Category.LOANS,
            patron_of=lambda r: r.c.patron_id,
            starts=lambda r: r.c.checked_out_at,
            ends=lambda r: r.c.returned_at,
            branch_of=lambda r: r.c.branch_id,
        ),
        RecordKind(
            "computer_sessions",
            "Computer sign-up and session logs",
            S,
            Category.COMPUTER_SESSIONS,
            patron_of=lambda r: r.c.patron_id,
            starts=lambda r: r.c.started_at,
            ends=lambda r: func.coalesce(r.c.ended_at, r.c.started_at),
            branch_of=lambda r: _lookup(W, "branch_id", r.c.workstation_id),
            workstation_of=lambda r: r.c.workstation_id,
        ),
        RecordKind(
            "interlibrary_loans",
            "Interlibrary-loan requests",
            ILL,
            Category.INTERLIBRARY_LOANS,
            patron_of=lambda r: r.c.patron_id,
            starts=lambda r: r.c.requested_at,
            ends=lambda r: r.c.completed_at,
        ),
        RecordKind(
            "ill_emails",
            "Interlibrary-loan e-mail messages",
            E,
            Category.INTERLIBRARY_LOANS,
            patron_of=lambda r: _lookup(ILL, "patron_id", r.c.ill_id),
            starts=lambda r: r.c.sent_at,
        ),
        RecordKind(
            "program_registrations",
            "Program registrations",
            PR,
            Category.PROGRAM_REGISTRATIONS,
            patron_of=lambda r: r.c.patron_id,
            starts=lambda r: r.c.registered_at,
            branch_of=lambda r: _lookup(PG, "branch_id", r.c.program_id),
        ),
        RecordKind(
            "mailing_list_subscriptions",
            "Mailing-list subscriptions",
            MS,
            Category.MAILING_LISTS,
            patron_of=lambda r: r.c.patron_id,
            starts=lambda r: r.c.subscribed_at,
            ends=lambda r: r.c.last_activity_at,
        ),
        RecordKind(
            "patrons",
            "Patron registration records",
            P,
            Category.PATRONS,
            patron_of=lambda r: r.c.id,
            starts=lambda r: r.c.registered_at,
            ends=lambda r: None,
            branch_of=lambda r: r.c.home_branch_id,
        ),
    )
}

# Which kinds a branch or a workstation can narrow (the hold form refuses the others).
KINDS_WITH_BRANCH = frozenset(k.category for k in RECORD_KINDS.values() if k.branch_of)
KINDS_WITH_WORKSTATION = frozenset({Category.COMPUTER_SESSIONS})


def active_holds(at: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE clause on holds joined to cases: the holds in force at `at` (default now)."""
    at = at or clock.now()
    return and_(
        H.c.released_at.is_(None),
        or_(H.c.expires_at > at, and_(C.c.court_order_received.is_(True), C.c.closed_at.is_(None))),
    )


def held(
    kind: str, row: FromClause | None = None, *, at: datetime | None = None
) -> ColumnElement[bool]:
    """THE hold predicate: `row` (a row of `kind`'s table, or an alias of it) is covered by a
    hold in force at `at`. Put it in every purge, anonymisation and deletion."""
    return covered(kind, row, active_holds(at))


def covered(
    kind: str, row: FromClause | None, hold_condition: ColumnElement[bool]
) -> ColumnElement[bool]:
    """`row` is covered by some hold meeting `hold_condition` (a clause on holds H and cases C)."""
    spec = RECORD_KINDS[kind]
    row = spec.table if row is None else row
    category = H.c[f"covers_{spec.category.value}"].is_(True)
    matches = and_(hold_condition, category, _window(spec, row))
    branch = spec.branch_of(row) if spec.branch_of else None
    station = spec.workstation_of(row) if spec.workstation_of else None
    patron = spec.patron_of(row)
    # A narrowing that cannot apply to a kind (a branch for an ILL request) does not narrow it:
    # the hold form refuses such holds, and if one slipped through it errs on keeping records
    # (every record of the kind, its window ignored: an uncorrelated EXISTS, evaluated once).
    branch_ok = (
        or_(H.c.branch_id.is_(None), H.c.branch_id == branch) if branch is not None else true()
    )
    station_ok = (
        or_(
            ~exists().where(HW.c.hold_id == H.c.id),
            exists().where(HW.c.hold_id == H.c.id, HW.c.workstation_id == station),
        )
        if station is not None
        else true()
    )
    holds_cases = H.join(C, C.c.id == H.c.case_id)
    by_patron = exists(
        select(1)
        .select_from(HP.join(holds_cases, H.c.id == HP.c.hold_id))
        .where(
            HP.c.patron_id == patron,
            H.c.scope == Scope.PATRONS.value,
            matches,
            branch_ok,
            station_ok,
        )
    )
    by_station = (
        exists(
            select(1)
            .select_from(HW.join(holds_cases, H.c.id == HW.c.hold_id))
            .where(HW.c.workstation_id == station, H.c.scope == Scope.WORKSTATIONS.value, matches)
        )
        if station is not None
        else _scope_wide(holds_cases, Scope.WORKSTATIONS, and_(hold_condition, category))
    )
    by_branch = (
        exists(
            select(1)
            .select_from(holds_cases)
            .where(H.c.scope == Scope.BRANCH.value, H.c.branch_id == branch, matches)
        )
        if branch is not None
        else _scope_wide(holds_cases, Scope.BRANCH, and_(hold_condition, category))
    )
    library = _scope_wide(holds_cases, Scope.LIBRARY, matches)
    return or_(by_patron, by_station, by_branch, library)


def _scope_wide(holds_cases, scope: Scope, matches) -> ColumnElement[bool]:
    return exists(select(1).select_from(holds_cases).where(H.c.scope == scope.value, matches))


def _window(spec: RecordKind, row) -> ColumnElement[bool]:
    """The record's time span [starts, ends] overlaps the hold's window [start, end)."""
    starts = spec.starts(row)
    ends = spec.ends(row) if spec.ends else starts
    after_start = true() if ends is None else or_(ends.is_(None), ends >= H.c.window_start)
    return and_(
        or_(H.c.window_start.is_(None), after_start),
        or_(H.c.window_end.is_(None), starts < H.c.window_end),
    )


def kinds_of(category: Category) -> list[RecordKind]:
    """The record kinds a category covers (ILL requests and their e-mails go together)."""
    return [k for k in RECORD_KINDS.values() if k.category == category]


def patron_records_held(patron_id, *, at: datetime | None = None) -> ColumnElement[bool]:
    """Anything of the patron (`patron_id`: a value or a column) is covered by an active hold:
    their registration record or any record of theirs. Deleting the patron would delete (or
    strip) those records, so it must wait."""
    clauses = []
    for spec in RECORD_KINDS.values():
        row = spec.table.alias(f"held_{spec.key}")
        clauses.append(
            exists(
                select(1)
                .select_from(row)
                .where(spec.patron_of(row) == patron_id, held(spec.key, row, at=at))
            )
        )
    return or_(*clauses)


def patron_is_held(session: Session, patron_id: int, at: datetime | None = None) -> bool:
    """True when an active hold covers the patron's registration record or any record of theirs
    (the patrons area refuses e-mail removal and corrections then: "cannot be changed now")."""
    locks.plan_for_probes(session)
    return bool(session.scalar(select(patron_records_held(patron_id, at=at))))


def record_is_held(session: Session, kind: str, record_id: int, at: datetime | None = None) -> bool:
    """True when an active hold covers one record of `kind`."""
    spec = RECORD_KINDS[kind]
    locks.plan_for_probes(session)
    return bool(
        session.scalar(select(exists().where(spec.table.c.id == record_id, held(kind, at=at))))
    )


def counts_covered_by(session: Session, hold: Hold) -> dict[str, int]:
    """How many records of each kind the hold's scope covers now (whether or not it is active)."""
    result = {}
    locks.plan_for_probes(session)
    for category in hold.categories:
        for spec in kinds_of(category):
            predicate = covered(spec.key, spec.table, H.c.id == hold.id)
            result[spec.key] = (
                session.scalar(select(func.count()).select_from(spec.table).where(predicate)) or 0
            )
    return result
