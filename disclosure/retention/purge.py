"""The purge (docs/rules.md, "Retention and purges"): for each kind, the records past retention
are deleted (completed interlibrary loans are anonymised), exactly on schedule. A record an
active hold covers is first copied into the preservation store (holds/preservation.py,
R-hold-preserved-apart), in the same transaction; so is an expired patron's registration
record when a hold names them or covers anything of theirs, with what goes with them. The
purge keeps the holds' stored counts as it goes (`_keep_counts`).

- By criteria, in batches: each batch selects the next window of ids that meet the criteria,
  copies the held ones (holds.coverage.held, the one hold predicate, decides which), keeps
  statistics, then deletes or anonymises the window, in one transaction of its own. Core SQL,
  never row by row through the ORM.
- Copies whose every hold has ended are deleted at the start of the next run, and counted.
- Crash-safe: a batch's copies, its deletion, its statistics and its counts commit together or
  not at all,
  and the criteria pick up whatever is left, so a run that dies after any batch, run again,
  ends in the state of an uninterrupted run.
- Race-free: every batch takes holds.locks.hold_lock (PostgreSQL) or begins IMMEDIATE (SQLite)
  before it selects; placing or renewing a hold takes the same lock before it counts.
- Recorded: a PurgeRun per run with per-kind counts (the records that go with an expired
  patron counted under their own kinds); one run at a time (a claim under the lock). A run
  records its host and process: a run of this host whose process is gone died (a killed purge
  does not hold up the next one), and any run whose heartbeat is older than STALE_AFTER is taken
  to have died (docs/rules.md R-purge-one-at-a-time)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ARRAY,
    Connection,
    Engine,
    Integer,
    and_,
    any_,
    bindparam,
    exists,
    func,
    insert,
    literal_column,
    not_,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy import String as SAString

from disclosure import clock
from disclosure.db import UTCDateTime
from disclosure.holds import coverage, locks, preservation
from disclosure.records import kinds
from disclosure.records import models as m
from disclosure.retention.models import (
    ComputerSessionStatistic,
    LoanStatistic,
    PurgeRun,
    PurgeRunCount,
)
from disclosure.retention.rules import current_rules

STALE_AFTER = timedelta(minutes=10)
# ids per batch window. SQLite rewrites every index page a batch touches into the WAL at each
# commit, so it gets fewer, larger batches; a hold placed meanwhile waits for one batch at most.
BATCH_SIZE = {"sqlite": 100_000, "postgresql": 20_000}
L, S, W = m.Loan.__table__, m.ComputerSession.__table__, m.Workstation.__table__
ILL, E, PR, PG = (
    m.InterlibraryLoan.__table__,
    m.IllEmail.__table__,
    m.ProgramRegistration.__table__,
    m.Program.__table__,
)
MS, P = m.MailingListSubscription.__table__, m.Patron.__table__
RUNS, COUNTS = PurgeRun.__table__, PurgeRunCount.__table__


class PurgeBusy(Exception):
    """Another purge is running; this one did not start."""


@dataclass
class KindResult:
    """What a run did (or, dry, would do) to one kind of record."""

    deleted: int = 0
    anonymised: int = 0
    kept_held: int = 0
    would_go: int = 0
    preserved: int = 0  # copied into the preservation store before they went
    copies_removed: int = 0  # copies whose every hold had ended


@dataclass
class PurgeReport:
    """A run's outcome: per kind, in schedule order."""

    run_id: int | None
    dry_run: bool
    results: dict[str, KindResult] = field(default_factory=dict)


@dataclass
class PurgeHooks:
    """Test seams: called in a batch after its statement has chosen and deleted the rows and
    before it commits (`before_commit(kind, first_id, last_id)`), and after its commit."""

    before_commit: Callable[[str, int, int], None] | None = None
    after_batch: Callable[[str, int], None] | None = None


# ---- what is due, per kind --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """How the purge treats one kind of record (records.kinds): which of its records are past
    retention, and how they go."""

    kind: str
    due: Callable[[datetime, date, int], object]  # (now, today, days) -> WHERE clause
    anonymise: bool = False
    # 0 runs before the others, 2 after them (within a phase, in the kinds' display order)
    phase: int = 1
    # (at) -> WHERE clause on the kind's table: what a hold keeps (default: coverage.held)
    held: Callable[[datetime], object] | None = None
    # (conn, window, at) -> per kind (copied, copies tied per hold): copies into the store what
    # holds keep of the window's records and of what goes with them (default: the kind's own
    # records that coverage.held picks)
    preserve: Callable[[Connection, object, datetime], dict[str, tuple]] | None = None
    # (conn, going) -> how many went per kind (its own, and any that went with it), for kinds
    # that keep statistics as they go
    delete: Callable[[Connection, object], dict[str, int]] | None = None
    batch_size: int | None = None  # None: BATCH_SIZE for the backend

    @property
    def table(self):
        """The kind's table."""
        return kinds.get(self.kind).table


STEPS: kinds.PerKind[Step] = kinds.PerKind("purge step")


def register(step: Step) -> Step:
    """Give a kind its purge step (the built-in ones below; a new kind's, where it is added)."""
    return STEPS.register(step.kind, step)


def steps() -> list[Step]:
    """The steps in the order the purge runs them."""
    return sorted(STEPS.values(), key=lambda s: s.phase)


def _ill_completed(table, cutoff):
    return and_(
        table.c.completed_at.is_not(None),
        table.c.status.in_(m.ILL_COMPLETED_STATUSES),
        table.c.completed_at <= cutoff,
    )


def _delete_counted(conn, table, going, key, moment) -> list[tuple]:
    """Delete what `going` selects; (key, moment, how many) of what went. Deleted and counted in
    one statement: grouped per UTC hour on PostgreSQL (a DELETE in a CTE), per row on SQLite
    (DELETE ... RETURNING)."""
    statement = table.delete().where(going)
    if conn.dialect.name == "postgresql":
        gone = statement.returning(key.label("key"), moment.label("moment")).cte("gone")
        hour = func.date_trunc(
            "hour", gone.c.moment, "UTC", type_=UTCDateTime()
        )  # UTC hours: whole in any zone
        return conn.execute(select(gone.c.key, hour, func.count()).group_by(gone.c.key, hour)).all()
    return [(k, t, 1) for k, t in conn.execute(statement.returning(key, _raw(moment)))]


def _delete_loans(conn, going) -> dict[str, int]:
    rows = _delete_counted(conn, L, going, L.c.branch_id, L.c.checked_out_at)
    _add_loans(conn, rows)
    return {kinds.LOANS.key: sum(n for _k, _t, n in rows)}


def _delete_sessions(conn, going) -> dict[str, int]:
    rows = _delete_counted(conn, S, going, S.c.workstation_id, S.c.started_at)
    branch_of = dict(conn.execute(select(W.c.id, W.c.branch_id)).all())
    _add_sessions(conn, [(branch_of[station], t, n) for station, t, n in rows])
    return {kinds.COMPUTER_SESSIONS.key: sum(n for _k, _t, n in rows)}


def _goes_with_patron(kind: kinds.RecordKind) -> bool:
    """True when deleting a patron deletes their records of `kind` (ON DELETE CASCADE)."""
    if kind.key == kinds.PATRONS.key or not isinstance(kind.patron, str):
        return False
    return any(
        fk.column.table is P and (fk.ondelete or "").upper() == "CASCADE"
        for fk in kind.table.c[kind.patron].foreign_keys
    )


def _delete_patrons(conn, going) -> dict[str, int]:
    # Their loans, sessions and other records go with them (ON DELETE CASCADE): count them
    # first, so that the run's counts name everything that went (never only the patrons).
    ids = list(conn.scalars(select(P.c.id).where(going)))
    if not ids:
        return {}
    _keep_patrons_statistics(conn, ids)
    went = {
        kind.key: conn.scalar(
            select(func.count())
            .select_from(kind.table)
            .where(_id_in(conn, kind.table.c[kind.patron], ids))
        )
        for kind in kinds.every()
        if _goes_with_patron(kind)
    }
    went[kinds.PATRONS.key] = conn.execute(P.delete().where(_id_in(conn, P.c.id, ids))).rowcount
    return {key: n for key, n in went.items() if n}


# e-mails before their requests are anonymised: the hold predicate finds an e-mail's patron
# through its request.
register(
    Step(
        kinds.ILL_EMAILS.key,
        lambda now, today, days: exists().where(
            ILL.c.id == E.c.ill_id, _ill_completed(ILL, now - timedelta(days=days))
        ),
        phase=0,
    )
)
register(
    Step(
        kinds.INTERLIBRARY_LOANS.key,
        lambda now, today, days: and_(
            ILL.c.anonymised_at.is_(None), _ill_completed(ILL, now - timedelta(days=days))
        ),
        anonymise=True,
    )
)
register(
    Step(
        kinds.LOANS.key,
        lambda now, today, days: and_(
            L.c.returned_at.is_not(None),
            L.c.fine_settled.is_(True),
            L.c.returned_at <= now - timedelta(days=days),
        ),
        delete=_delete_loans,
    )
)
register(
    Step(
        kinds.COMPUTER_SESSIONS.key,
        lambda now, today, days: S.c.started_at <= now - timedelta(days=days),
        delete=_delete_sessions,
    )
)
register(
    Step(
        kinds.PROGRAM_REGISTRATIONS.key,
        lambda now, today, days: PR.c.program_id.in_(
            select(PG.c.id).where(PG.c.ends_on < today - timedelta(days=days))
        ),
    )
)
register(
    Step(
        kinds.MAILING_LIST_SUBSCRIPTIONS.key,
        lambda now, today, days: MS.c.last_activity_at <= now - timedelta(days=days),
    )
)
# last: a patron goes when nothing is on loan or owed; when an active hold names them or covers
# anything of theirs, their registration and their held records are copied first
register(
    Step(
        kinds.PATRONS.key,
        lambda now, today, days: and_(
            P.c.card_expires_on < today - timedelta(days=days),
            P.c.amount_owed == 0,
            ~exists().where(
                L.c.patron_id == P.c.id, or_(L.c.returned_at.is_(None), L.c.fine_settled.is_(False))
            ),
        ),
        phase=2,
        held=lambda at: coverage.patron_named_or_held(P.c.id, at=at),
        preserve=preservation.preserve_patrons,
        delete=_delete_patrons,
        batch_size=5000,
    )
)


def not_held(step: Step, at: datetime):
    """The hold rule for a step: not covered by an active hold (holds.coverage)."""
    if step.held is not None:
        return not_(step.held(at))
    return not_(coverage.held(step.kind, step.table, at=at))


# ---- running ---------------------------------------------------------------------------------


def run_purge(
    bind: Engine | Connection,
    *,
    dry_run: bool = False,
    trigger: str = "command",
    progress: Callable[[str, int], None] | None = None,
    hooks: PurgeHooks | None = None,
    batch_size: int | None = None,
) -> PurgeReport:
    """Purge everything past its retention and not held; or, with dry_run, count it."""
    hooks = hooks or PurgeHooks()
    with _connection(bind) as conn:
        at = clock.now()
        today = clock.local(at).date()
        with _transaction(conn):
            rules = _rules(conn)
        if dry_run:
            return _dry_run(conn, rules, at, today)
        run_id = _claim(conn, trigger, at)
        report = PurgeReport(run_id=run_id, dry_run=False)
        try:
            _remove_unheld_copies(conn, report, at)
            for step in steps():
                size = batch_size or step.batch_size or BATCH_SIZE.get(conn.dialect.name, 20_000)
                removed = report.results.get(step.kind, KindResult()).copies_removed
                report.results[step.kind] = _purge_kind(
                    conn, report, step, _days(rules, step), at, today, progress, hooks, size
                )
                report.results[step.kind].copies_removed += removed
        except BaseException:
            _finish(conn, run_id, "failed")
            raise
        _finish(conn, run_id, "finished")
        return report


def recount_holds(bind: Engine | Connection) -> int:
    """After a purge: count again what the holds whose stored counts may be wrong cover (never
    counted, or ended since last counted: holds.coverage.stale_counts; the purge itself keeps
    the counts of the holds in force), a few holds per transaction so that a hold being placed
    waits little. The nightly job and the purge command run it after run_purge; returns how
    many."""
    with _connection(bind) as conn:
        with _transaction(conn):
            stale = list(conn.scalars(coverage.stale_counts(clock.now())))
        for start in range(0, len(stale), 50):
            with _transaction(conn):
                locks.hold_lock(conn)
                coverage.refresh_counts(conn, stale[start : start + 50])
        with _transaction(conn):
            coverage.confirm_counts(conn, clock.now())
    return len(stale)


def due_counts(bind: Engine | Connection) -> dict[str, int]:
    """Per kind, how many records are past retention, held or not (the progress bar's length)."""
    with _connection(bind) as conn, _transaction(conn):
        at, rules = clock.now(), _rules(conn)
        today = clock.local(at).date()
        return {
            s.kind: conn.scalar(
                select(func.count()).select_from(s.table).where(s.due(at, today, _days(rules, s)))
            )
            for s in steps()
        }


def would_go(bind: Connection, rules: dict[str, int], at: datetime) -> PurgeReport:
    """Per kind, what a purge at `at` would delete (or anonymise) and what holds would keep if
    `rules` were in force: the dry run of a retention change before it is saved. Nothing
    changes; `bind` is the caller's connection (its transaction gets a savepoint)."""
    with _connection(bind) as conn:
        return _dry_run(conn, rules, at, clock.local(at).date())


def _count(conn, step, *where) -> int:
    return conn.scalar(select(func.count()).select_from(step.table).where(*where))


def _dry_run(conn, rules, at, today) -> PurgeReport:
    report = PurgeReport(run_id=None, dry_run=True)
    with _transaction(conn):
        for step in steps():
            due = step.due(at, today, _days(rules, step))
            free = _count(conn, step, due, not_held(step, at))
            held = _count(conn, step, due) - free
            report.results[step.kind] = KindResult(would_go=free + held, preserved=held)
    return report


def _remove_unheld_copies(conn, report: PurgeReport, at) -> None:
    """Delete the preserved copies whose every hold has ended (R-hold-preserved-apart: a copy
    outlives its last hold by at most one run), counted per kind in the run's history."""
    with _transaction(conn):
        locks.hold_lock(conn)
        _add_counts(conn, report, "copies_removed", preservation.remove_unheld_copies(conn, at))


def _purge_kind(
    conn, report: PurgeReport, step: Step, days, at, today, progress, hooks, batch_size
) -> KindResult:
    run_id, result = report.run_id, KindResult()
    due = step.due(at, today, days)
    column = "anonymised" if step.anonymise else "deleted"
    table, last_id, number = step.table, 0, 0
    while True:
        with _transaction(conn):
            locks.hold_lock(conn)
            start = conn.scalar(select(func.min(table.c.id)).where(table.c.id > last_id, due))
            if start is None:
                break
            end = start + batch_size - 1
            window = and_(table.c.id.between(start, end), due)
            due_count = conn.scalar(select(func.count()).select_from(table).where(window))
            # the copy first, in this transaction: it commits with the deletion or not at all
            kept = _preserve(conn, step, window, at)
            copied = kept[step.kind][0]
            went = _apply(conn, step, window, at)
            _keep_counts(conn, step, kept, at)
            done = went.pop(step.kind, 0)
            if hooks.before_commit:
                hooks.before_commit(step.kind, start, end)
            held = due_count - done  # counting what is due is cheap; a second hold predicate is not
            conn.execute(
                update(COUNTS)
                .where(COUNTS.c.run_id == run_id, COUNTS.c.kind == step.kind)
                .values(
                    {
                        column: COUNTS.c[column] + done,
                        "kept_held": COUNTS.c.kept_held + held,
                        "preserved": COUNTS.c.preserved + copied,
                    }
                )
            )
            _count_gone_with(conn, report, went)
            others = {k: n for k, (n, _tied) in kept.items() if k != step.kind and n}
            _add_counts(conn, report, "preserved", others)
            conn.execute(update(RUNS).where(RUNS.c.id == run_id).values(heartbeat_at=clock.now()))
        setattr(result, column, getattr(result, column) + done)
        result.kept_held += held
        result.preserved += copied
        last_id, number = end, number + 1
        if progress and done:
            progress(step.kind, done)
        if hooks.after_batch:
            hooks.after_batch(step.kind, number)
    return result


def _preserve(conn, step: Step, window, at) -> dict[str, tuple[int, dict[int, int]]]:
    """Copy into the store what active holds keep of the batch (and of what goes with it); per
    kind, (how many copied, copies tied per hold)."""
    if step.preserve is not None:
        return step.preserve(conn, window, at)
    why = "anonymisation" if step.anonymise else "purge"
    return {step.kind: preservation.preserve_tied(conn, step.kind, window, why, at)}


def _keep_counts(conn, step: Step, kept: dict[str, tuple], at) -> None:
    """Keep the holds' stored counts right as the batch went, in its transaction: where each
    copy was deleted and tied to exactly the holds that covered it, a hold's count drops by the
    copies tied to it; otherwise (a record anonymised, or left without its patron; a patron's
    registration, tied also to the holds that keep their other records) the holds it was tied
    to are counted again, for that kind only."""
    for kind, (_copied, tied) in kept.items():
        if not tied:
            continue
        if _left_every_hold(step, kind):
            coverage.take_from_counts(conn, kind, tied, at)
        else:
            coverage.refresh_counts(conn, sorted(tied), at, only=kind)


def _left_every_hold(step: Step, kind: str) -> bool:
    """True when the batch deleted every record of `kind` it copied, each tied to exactly the
    holds that covered it."""
    if kind == step.kind:
        return not step.anonymise and step.preserve is None
    return _goes_with_patron(kinds.get(kind))


def _count_gone_with(conn, report: PurgeReport, went: dict[str, int]) -> None:
    """Count, under their own kinds, the records that went with another kind's (an expired
    patron's loans and sessions), in the batch that deleted them."""
    _add_counts(conn, report, "deleted", went)


def _add_counts(conn, report: PurgeReport, column: str, per_kind: dict[str, int]) -> None:
    """Add each kind's number to one of the run's counts (a KindResult field), in the run's
    history in the database and in the report, in the caller's transaction."""
    for kind, n in per_kind.items():
        conn.execute(
            update(COUNTS)
            .where(COUNTS.c.run_id == report.run_id, COUNTS.c.kind == kind)
            .values({column: COUNTS.c[column] + n})
        )
        result = report.results.setdefault(kind, KindResult())
        setattr(result, column, getattr(result, column) + n)


def _apply(conn, step: Step, going, at) -> dict[str, int]:
    """Delete (or anonymise) the rows `going` selects: due, in the window (the held ones already
    copied). Windows of ids, not LIMIT: the hold predicate is evaluated once per due row in the
    whole run. Returns how many went, per kind."""
    table = step.table
    if step.anonymise:
        # R-retention-ill-completed: remove personal data, keep status and department for statistics
        return {
            step.kind: conn.execute(
                update(table)
                .where(going)
                .values(patron_id=None, title=None, lending_library=None, anonymised_at=at)
            ).rowcount
        }
    if step.delete is not None:
        return step.delete(conn, going)
    return {step.kind: conn.execute(table.delete().where(going)).rowcount}


def _id_in(conn, column, ids: list[int]):
    """`column` is one of `ids`, sent as one parameter: an array on PostgreSQL, a JSON list read
    by json_each on SQLite (thousands of separate parameters cost more to send and plan than the
    deletion itself)."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    listed = select(literal_column("value")).select_from(
        func.json_each(bindparam("ids", json.dumps(ids)))
    )
    return column.in_(listed)


# ---- statistics: counted in the batch that deletes, so never twice and never lost ----------


def _raw(column):
    # SQLite hands back the stored text ('2026-03-01 14:05:00.000000'): cheaper than parsing
    # every timestamp, and the bucket cache below turns an hour prefix into a library date.
    return type_coerce(column, SAString())


class _LocalDays:
    """UTC instant (text or datetime) -> the library's date, cached per UTC hour."""

    def __init__(self) -> None:
        self.cache: dict = {}

    def __call__(self, value) -> date:
        key = (
            value[:13]
            if isinstance(value, str)
            else (value.year, value.month, value.day, value.hour, value.utcoffset())
        )
        found = self.cache.get(key)
        if found is None:
            moment = (
                datetime.fromisoformat(value[:13] + ":00:00+00:00")
                if isinstance(value, str)
                else value
            )
            found = self.cache[key] = clock.local(moment).date()
        return found


def _keep_patrons_statistics(conn, patron_ids: list[int]) -> None:
    loans = select(L.c.branch_id, _raw(L.c.checked_out_at)).where(
        _id_in(conn, L.c.patron_id, patron_ids)
    )
    _add_loans(conn, [(b, t, 1) for b, t in conn.execute(loans)])
    sessions = (
        select(W.c.branch_id, _raw(S.c.started_at))
        .join(W, W.c.id == S.c.workstation_id)
        .where(_id_in(conn, S.c.patron_id, patron_ids))
    )
    _add_sessions(conn, [(b, t, 1) for b, t in conn.execute(sessions)])


def _add_loans(conn, rows) -> None:
    """rows: (branch_id, checked_out_at, how many) of loans going -> loans per branch per month."""
    local_day, months = _LocalDays(), Counter()
    for branch, moment, n in rows:
        months[(branch, local_day(moment).replace(day=1))] += n
    _upsert(conn, LoanStatistic.__table__, "month", "loans", months)


def _add_sessions(conn, rows) -> None:
    """rows: (branch_id, started_at, how many) of sessions going -> sessions per branch per day."""
    local_day, days = _LocalDays(), Counter()
    for branch, moment, n in rows:
        days[(branch, local_day(moment))] += n
    _upsert(conn, ComputerSessionStatistic.__table__, "day", "sessions", days)


def _upsert(conn, table, period: str, amount: str, counted: Counter) -> None:
    if not counted:
        return
    statement = _dialect_insert(conn)(table)
    statement = statement.on_conflict_do_update(
        index_elements=["branch_id", period],
        set_={amount: table.c[amount] + statement.excluded[amount]},
    )
    conn.execute(
        statement, [{"branch_id": b, period: p, amount: n} for (b, p), n in counted.items()]
    )


def _dialect_insert(conn):
    """The INSERT construct of `conn`'s database, the one that can say ON CONFLICT DO UPDATE."""
    # Loaded here, not at start-up: SQLAlchemy's PostgreSQL package loads every PostgreSQL
    # driver's module, which a command on SQLite never needs (tests/test_startup.py); on
    # PostgreSQL the engine has loaded it already.
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


# ---- one run at a time, recorded -------------------------------------------------------------


def process_alive(pid: int) -> bool:
    """True when process `pid` exists on this host (signal 0 only asks)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    except (OverflowError, ValueError):
        return False
    return True


def _dead(run, now: datetime) -> bool:
    """A running run died when its process on this host is gone (known at once), or when its
    heartbeat is older than STALE_AFTER (a run of another host, or one that hangs)."""
    if run.host == socket.gethostname() and run.pid is not None and not process_alive(run.pid):
        return True
    return run.heartbeat_at <= now - STALE_AFTER


def _claim(conn, trigger: str, at: datetime) -> int:
    """Record a new run, unless another is running (checked under the lock, so two scheduler
    processes never purge at once). A run that died (_dead) is marked interrupted."""
    with _transaction(conn):
        locks.hold_lock(conn)
        running = conn.execute(
            select(RUNS.c.id, RUNS.c.heartbeat_at, RUNS.c.host, RUNS.c.pid).where(
                RUNS.c.status == "running"
            )
        ).all()
        alive = [r for r in running if not _dead(r, clock.now())]
        if alive:
            raise PurgeBusy(
                f"Another purge (run {alive[0].id}) is running; this one did not start."
            )
        if running:
            conn.execute(
                update(RUNS)
                .where(RUNS.c.id.in_([r.id for r in running]))
                .values(status="interrupted")
            )
        run_id = conn.execute(
            insert(RUNS)
            .values(
                started_at=at,
                heartbeat_at=clock.now(),
                status="running",
                trigger=trigger,
                host=socket.gethostname(),
                pid=os.getpid(),
            )
            .returning(RUNS.c.id)
        ).scalar_one()
        conn.execute(
            insert(COUNTS),
            [
                {
                    "run_id": run_id,
                    "kind": s.kind,
                    "deleted": 0,
                    "anonymised": 0,
                    "kept_held": 0,
                    "preserved": 0,
                    "copies_removed": 0,
                }
                for s in steps()
            ],
        )
    return run_id


def _finish(conn, run_id: int, status: str) -> None:
    with _transaction(conn):
        conn.execute(
            update(RUNS).where(RUNS.c.id == run_id).values(status=status, finished_at=clock.now())
        )


def _rules(conn) -> dict[str, int]:
    return current_rules(conn)


def _days(rules: dict[str, int], step: Step) -> int:
    """The days the kind's retention rule keeps it."""
    return rules[kinds.get(step.kind).retention]


# ---- transactions: one per batch; a test's pinned connection gets savepoints ----------------

_PINNED = "disclosure.purge.pinned"


def _pinned(conn) -> bool:
    return conn.info.get(_PINNED, False)


_UNPREPARED = "disclosure.purge.unprepared"


@contextlib.contextmanager
def _connection(bind):
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            if conn.dialect.name == "sqlite":
                # a page cache that holds the indexes a batch walks (the default is 2 MiB)
                with conn.begin():
                    conn.exec_driver_sql("PRAGMA cache_size = -65536")
            with _unprepared(conn):
                # SQLite: each batch takes the write lock as it begins (see holds.locks)
                yield conn.execution_options(sqlite_begin="IMMEDIATE")
        return
    bind.info[_PINNED] = True
    try:
        yield bind
    finally:
        bind.info.pop(_PINNED, None)


@contextlib.contextmanager
def _unprepared(conn):
    """On PostgreSQL, the purge's own connection sends its statements unprepared, so each is
    planned for its values (holds.locks.plan_for_probes) without forcing custom plans on the
    database's own foreign-key checks; the pooled connection is put back as it was."""
    if conn.dialect.name != "postgresql":
        yield
        return
    driver = conn.connection.dbapi_connection
    threshold, driver.prepare_threshold = driver.prepare_threshold, None
    conn.info[_UNPREPARED] = True
    try:
        yield
    finally:
        driver.prepare_threshold = threshold
        conn.info.pop(_UNPREPARED, None)


@contextlib.contextmanager
def _transaction(conn):
    with conn.begin_nested() if _pinned(conn) else conn.begin():
        locks.plan_for_probes(conn, custom_plans=not conn.info.get(_UNPREPARED, False))
        yield
