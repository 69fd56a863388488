"""THE ONE CHOKE POINT for the hold rule (docs/rules.md R-hold-keeps-records): while an active
hold covers a record, no purge, anonymisation or patron-initiated change may destroy it: the
record is first copied into the preservation store (holds/preservation.py), which this predicate
decides.

`held(kind, row)` is a set-based SQL predicate, "this row is covered by an active hold", that
every purge, anonymisation and deletion puts in its WHERE clause; `patron_is_held` answers the
same question for everything of one patron. Do not write a second version of this rule.

A hold is active while it is not released and either its date has not passed or its case has a
court order and is still open. It covers a record when the hold names the category of the
record's kind and the record matches every narrowing the hold names: its patrons, its
workstations or its branch, its time window (the record's time span overlaps the window). What
a kind's patron, time span, branch and computer are comes from records/kinds.py.

For speed the predicate is an OR of one EXISTS per hold scope, each driven by an index: named
patrons (hold_patrons.patron_id), workstations (hold_workstations.workstation_id), a branch
(holds.scope, holds.branch_id), the whole library (holds.scope); the category is one more probe
(hold_categories.hold_id, category). A 1,000,000-row purge then costs a few index probes per
row, whatever the number of holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    FromClause,
    and_,
    bindparam,
    exists,
    func,
    not_,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.cases.models import Case
from disclosure.holds import locks
from disclosure.holds.models import (
    CoveredCategory,
    Hold,
    HoldCount,
    HoldPatron,
    HoldWorkstation,
    Scope,
)
from disclosure.records import kinds
from disclosure.records.kinds import RecordKind

H = Hold.__table__
HC = CoveredCategory.__table__
HP = HoldPatron.__table__
HW = HoldWorkstation.__table__
C = Case.__table__

# The kinds, for the holds pages (`kinds[key].label`): the registry itself.
RECORD_KINDS = kinds.REGISTRY


def categories_with_branch() -> frozenset[str]:
    """The categories a branch can narrow: those with a kind tied to a branch (the hold form
    refuses a branch for the others)."""
    return frozenset(k.category.key for k in kinds.every() if k.branch is not None)


def categories_with_workstation() -> frozenset[str]:
    """The categories workstations can narrow: those whose every kind has a computer."""
    return frozenset(
        c.key
        for c in kinds.categories()
        if all(k.workstation is not None for k in kinds.of_category(c.key))
    )


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
    return or_(
        *(
            exists(select(1).select_from(joined).where(on))
            for joined, on in _scopes(kind, row, hold_condition)
        )
    )


def covering_holds(kind: str, row: FromClause, hold_condition: ColumnElement[bool]) -> list:
    """The same rule as `covered`, as (row id, hold id) pairs: one SELECT per hold scope, each
    joining `row` (a row of `kind`'s table) to the holds meeting `hold_condition` that cover it.
    The preservation store ties each copy to these holds (holds/preservation.py)."""
    return [
        select(row.c.id.label("record_id"), H.c.id.label("hold_id")).select_from(
            row.join(joined, on)
        )
        for joined, on in _scopes(kind, row, hold_condition)
    ]


def covering_hold_ids(kind: str, row: FromClause, hold_condition: ColumnElement[bool]):
    """The same rule as `covered`, as the ids of the holds meeting `hold_condition` that cover
    `row`: one SELECT per hold scope, correlated to `row` like `covered`'s probes (for a
    LATERAL join: each row's holds found through the scope's index)."""
    return union_all(
        *(
            select(H.c.id.label("hold_id")).select_from(joined).where(on).correlate(row)
            for joined, on in _scopes(kind, row, hold_condition)
        )
    )


def _scopes(kind: str, row: FromClause | None, hold_condition: ColumnElement[bool]) -> list:
    """(holds FROM clause, condition) per hold scope: a hold of that scope, meeting
    `hold_condition`, covers `row`."""
    spec = kinds.get(kind)
    row = spec.table if row is None else row
    category = (
        exists()
        .where(HC.c.hold_id == H.c.id, HC.c.category == spec.category.key)
        .correlate_except(HC)
    )
    matches = and_(hold_condition, category, _window(spec, row))
    branch = spec.branch_of(row)
    station = spec.workstation_of(row)
    patron = spec.patron_of(row)
    # A narrowing that cannot apply to a kind (a branch for an ILL request) does not narrow it:
    # the hold form refuses such holds, and if one slipped through it errs on keeping records
    # (every record of the kind, its window ignored: an uncorrelated EXISTS, evaluated once).
    branch_ok = (
        or_(H.c.branch_id.is_(None), H.c.branch_id == branch) if branch is not None else true()
    )
    # Tied to the record tested and to the hold: every table but HW comes from outside (left
    # to itself, SQLAlchemy correlates only the enclosing EXISTS's tables, and the record's
    # table would become a FROM of its own: a hold naming a patron and a computer then kept
    # the patron's sessions on every computer).
    station_ok = (
        or_(
            ~exists().where(HW.c.hold_id == H.c.id).correlate_except(HW),
            exists()
            .where(HW.c.hold_id == H.c.id, HW.c.workstation_id == station)
            .correlate_except(HW),
        )
        if station is not None
        else true()
    )
    holds_cases = H.join(C, C.c.id == H.c.case_id)
    by_patron = (
        HP.join(holds_cases, H.c.id == HP.c.hold_id),
        and_(
            HP.c.patron_id == patron,
            H.c.scope == Scope.PATRONS.value,
            matches,
            branch_ok,
            station_ok,
        ),
    )
    by_station = (
        (
            HW.join(holds_cases, H.c.id == HW.c.hold_id),
            and_(HW.c.workstation_id == station, H.c.scope == Scope.WORKSTATIONS.value, matches),
        )
        if station is not None
        else _scope_wide(holds_cases, Scope.WORKSTATIONS, and_(hold_condition, category))
    )
    by_branch = (
        (
            holds_cases,
            and_(H.c.scope == Scope.BRANCH.value, H.c.branch_id == branch, matches),
        )
        if branch is not None
        else _scope_wide(holds_cases, Scope.BRANCH, and_(hold_condition, category))
    )
    library = _scope_wide(holds_cases, Scope.LIBRARY, matches)
    return [by_patron, by_station, by_branch, library]


def _scope_wide(holds_cases, scope: Scope, matches) -> tuple:
    return holds_cases, and_(H.c.scope == scope.value, matches)


def _window(spec: RecordKind, row) -> ColumnElement[bool]:
    """The record's time span [starts, ends] overlaps the hold's window [start, end)."""
    starts, ends = spec.starts_of(row), spec.ends_of(row)
    after_start = true() if ends is None else or_(ends.is_(None), ends >= H.c.window_start)
    return and_(
        or_(H.c.window_start.is_(None), after_start),
        or_(H.c.window_end.is_(None), starts < H.c.window_end),
    )


def patron_records_held(patron_id, *, at: datetime | None = None) -> ColumnElement[bool]:
    """Anything of the patron (`patron_id`: a value or a column) is covered by an active hold:
    their registration record or any record of theirs. Deleting the patron would delete (or
    strip) those records, so it must wait."""
    clauses = []
    for spec in kinds.every():
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
    """True when an active hold covers the patron's registration record or any record of theirs."""
    locks.plan_for_probes(session)
    return bool(session.scalar(select(patron_records_held(patron_id, at=at))))


def held_card_numbers(session: Session, at: datetime | None = None) -> list[str]:
    """The card numbers of every patron an active hold names, or covers through records of
    theirs (by branch, computer, window and kind), in order; nothing else. The library's own
    system pauses its anonymisation for them (`holds export-patrons`): a hold naming a patron
    counts even before the day's records of theirs have been synced here."""
    locks.plan_for_probes(session)
    patron = kinds.PATRONS.table
    return list(
        session.scalars(
            select(patron.c.card_number)
            .where(patron_named_or_held(patron.c.id, at=at))
            .order_by(patron.c.card_number)
        )
    )


def patron_named_or_held(patron_id, *, at: datetime | None = None) -> ColumnElement[bool]:
    """An active hold names the patron (`patron_id`: a value or a column), or covers anything of
    theirs (patron_records_held). Before the purge deletes such an expired patron, their
    registration record goes into the preservation store tied to each such hold
    (holds_keeping_patrons), so that a production of the case finds their preserved records by
    card number."""
    named = exists(
        select(1)
        .select_from(HP.join(H.join(C, C.c.id == H.c.case_id), H.c.id == HP.c.hold_id))
        .where(HP.c.patron_id == patron_id, active_holds(at))
    )
    return or_(named, patron_records_held(patron_id, at=at))


def holds_keeping_patrons(patron_ids, *, at: datetime | None = None):
    """The same rule as `patron_named_or_held`, as (patron id, hold id) pairs: each active hold
    that names one of the patrons `patron_ids` (a SELECT of ids) or covers a record of theirs,
    one SELECT per kind and hold scope (covering_holds); a pair may come more than once."""
    active = active_holds(at)
    named = (
        select(HP.c.patron_id.label("patron_id"), H.c.id.label("hold_id"))
        .select_from(HP.join(H.join(C, C.c.id == H.c.case_id), H.c.id == HP.c.hold_id))
        .where(HP.c.patron_id.in_(patron_ids), active)
    )
    pairs = [named]
    for spec in kinds.every():
        row = spec.table.alias(f"kept_{spec.key}")
        patron = spec.patron_of(row)
        pairs += [
            q.with_only_columns(patron.label("patron_id"), H.c.id.label("hold_id")).where(
                patron.in_(patron_ids)
            )
            for q in covering_holds(spec.key, row, active)
        ]
    return union_all(*pairs)


def record_is_held(session: Session, kind: str, record_id: int, at: datetime | None = None) -> bool:
    """True when an active hold covers one record of `kind`."""
    spec = kinds.get(kind)
    locks.plan_for_probes(session)
    return bool(
        session.scalar(select(exists().where(spec.table.c.id == record_id, held(kind, at=at))))
    )


def _count_covered(bind, spec: RecordKind, hold_id: int) -> int:
    """Records of `spec` that hold `hold_id`'s scope covers: the hold predicate (`covered`)
    decides, after narrowings it implies, so that the database starts from an index on the
    patron, the computer, the branch or the time instead of reading the whole table."""
    table = spec.table
    hold = bind.execute(select(H).where(H.c.id == hold_id)).one()
    narrowed = [covered(spec.key, table, H.c.id == hold_id)]
    patron, station, branch = (
        spec.patron_of(table),
        spec.workstation_of(table),
        spec.branch_of(table),
    )
    if hold.scope == Scope.PATRONS.value:
        narrowed.append(patron.in_(select(HP.c.patron_id).where(HP.c.hold_id == hold_id)))
    elif hold.scope == Scope.WORKSTATIONS.value and station is not None:
        narrowed.append(station.in_(select(HW.c.workstation_id).where(HW.c.hold_id == hold_id)))
    elif hold.scope == Scope.BRANCH.value and isinstance(spec.branch, kinds.Via):
        via = spec.branch  # through another row (a session's computer): start from those rows
        through = select(via.table.c.id).where(via.table.c[via.column] == hold.branch_id)
        narrowed.append(table.c[via.through].in_(through))
    elif hold.scope == Scope.BRANCH.value and branch is not None:
        narrowed.append(branch == hold.branch_id)
    if hold.window_end is not None:
        narrowed.append(spec.starts_of(table) < hold.window_end)
    return bind.scalar(select(func.count()).select_from(table).where(*narrowed)) or 0


def refresh_counts(
    bind, hold_ids: list[int], at: datetime | None = None, *, only: str | None = None
) -> dict[int, dict]:
    """Count again what each of the holds `hold_ids` covers (of kind `only`, or of every kind it
    names) and store it (HoldCount) as of `at` (`bind`: a Session or a Connection; the caller
    commits). Placing, renewing and releasing a hold call it for that hold; an import for the
    holds its records fall in (holds.preservation.recount_imported); the nightly job for holds
    never counted or ended since (stale_counts). The purge keeps the counts by what it copies
    (take_from_counts); pages only read."""
    at = at or clock.now()
    locks.plan_for_probes(bind)
    named = bind.execute(select(HC.c.hold_id, HC.c.category).where(HC.c.hold_id.in_(hold_ids)))
    categories: dict[int, set[str]] = {hold_id: set() for hold_id in hold_ids}
    for hold_id, category in named:
        categories[hold_id].add(category)
    result = {}
    for hold_id, named_categories in categories.items():
        specs = [
            k for k in kinds.every() if k.category.key in named_categories and only in (None, k.key)
        ]
        result[hold_id] = {spec.key: _count_covered(bind, spec, hold_id) for spec in specs}
    HN = HoldCount.__table__
    gone = HN.c.hold_id.in_(hold_ids)
    bind.execute(HN.delete().where(gone if only is None else and_(gone, HN.c.kind == only)))
    rows = [
        {"hold_id": hold_id, "kind": kind, "records": n, "counted_at": at}
        for hold_id, counts in result.items()
        for kind, n in counts.items()
    ]
    if rows:
        bind.execute(HN.insert(), rows)
    return result


def take_from_counts(bind, kind: str, went: dict[int, int], at: datetime) -> None:
    """The purge deleted, of `kind`, `went[hold_id]` records each hold covered (the copies it
    tied to that hold: every active hold covering a deleted record gets a copy): take them from
    the stored counts, as of `at`, instead of counting the holds again."""
    if not went:
        return
    HN = HoldCount.__table__
    bind.execute(
        update(HN)
        .where(HN.c.hold_id == bindparam("hold"), HN.c.kind == kind)
        .values(records=HN.c.records - bindparam("went"), counted_at=at),
        [{"hold": hold_id, "went": n} for hold_id, n in went.items()],
    )


def confirm_counts(bind, at: datetime) -> None:
    """Mark the stored counts of the holds in force as right as of `at` (after a purge: the
    purge and the imports keep them, so they need no count of their own)."""
    HN = HoldCount.__table__
    in_force = select(H.c.id).select_from(H.join(C, C.c.id == H.c.case_id)).where(active_holds(at))
    bind.execute(update(HN).where(HN.c.hold_id.in_(in_force)).values(counted_at=at))


def holds_covering(bind, kind: str, where: ColumnElement[bool]) -> set[int]:
    """The ids of the active holds that cover some row of `kind` that `where` picks (the hold
    predicate as pairs, covering_holds): the holds whose counts a change to those rows moves."""
    table = kinds.get(kind).table
    pairs = union_all(
        *(
            q.with_only_columns(H.c.id).where(where)
            for q in covering_holds(kind, table, active_holds())
        )
    ).subquery()
    return set(bind.execute(select(pairs.c.id).distinct()).scalars())


def stale_counts(at: datetime | None = None):
    """A SELECT of the ids of the holds whose stored counts may no longer be right: those never
    counted, and those ended (released, or their case closed) since they were counted or whose
    own end date has not passed since (the purge deletes, without a copy, what they no longer
    keep: a released hold is counted after each purge until its end date passes). Those in
    force stay right as they go: the purge takes what it copies from them (take_from_counts),
    an import counts again the holds its records fall in."""
    HN = HoldCount.__table__
    last = select(func.min(HN.c.counted_at)).where(HN.c.hold_id == H.c.id).scalar_subquery()
    ended_since = or_(H.c.released_at > last, H.c.expires_at > last, C.c.closed_at > last)
    ended = not_(active_holds(at))
    return (
        select(H.c.id)
        .select_from(H.join(C, C.c.id == H.c.case_id))
        .where(or_(last.is_(None), and_(ended, ended_since)))
        .order_by(H.c.id)
    )


def stored_counts(session: Session, hold: Hold) -> tuple[dict[str, int], datetime | None]:
    """What the hold covered when last counted, per kind in the usual order, and when that was
    (None: not counted yet)."""
    rows = {
        c.kind: c for c in session.scalars(select(HoldCount).where(HoldCount.hold_id == hold.id))
    }
    counts = {key: rows[key].records for key in kinds.every_key() if key in rows}
    counted_at = min((c.counted_at for c in rows.values()), default=None)
    return counts, counted_at
