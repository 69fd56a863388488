"""A hold's stored counts (hold_counts) follow what it covers without counting every hold each
night: the purge takes what it copies from them, an import counts again the holds its records
fall in (holds.coverage.take_from_counts, holds.preservation.recount_imported). Checked here
against a full count of every hold after a purge and after an import. A hold that has ended is
counted again after each purge (what it kept goes then) until its own end date passes
(coverage.stale_counts), and keeps its count "as of" then between purges: it keeps nothing any
more, so imports leave it."""

from datetime import timedelta

from sqlalchemy import select

from disclosure import clock
from disclosure.holds import coverage
from disclosure.holds.models import HoldCount
from disclosure.records import importer
from disclosure.retention import purge
from tests import factories as f

START = f.at(2026, 3, 2, 15)
EVERY_KIND = ("patrons", "loans", "computer_sessions", "interlibrary_loans")


def _library(session):
    """Two patrons' records of several kinds, old and new, and holds of every scope over them."""
    branch, other = f.branch(session), f.branch(session)
    station = f.workstation(session, branch)
    alice, bob = f.patron(session), f.patron(session)
    for patron in (alice, bob):
        for days in (200, 100, 30, 5):
            f.loan(session, patron, branch, days_ago=days, returned_days_ago=days - 3)
            f.loan(session, patron, other, days_ago=days, returned_days_ago=days - 3)
            f.computer_session(session, station, patron, days_ago=days / 10)
        ill = f.interlibrary_loan(session, patron, completed_days_ago=2)
        f.ill_email(session, ill)
    director = f.user(session, "director")
    f.hold(session, patrons=[alice], categories=EVERY_KIND, placed_by=director)
    f.hold(session, workstations=[station], categories=("computer_sessions",), placed_by=director)
    window = (clock.now() - timedelta(days=150), clock.now() - timedelta(days=20))
    f.hold(session, branch_obj=branch, categories=("loans",), window=window, placed_by=director)
    f.hold(session, categories=("loans", "interlibrary_loans"), placed_by=director)
    ended = f.hold(session, patrons=[bob], categories=("loans",), placed_by=director)
    session.flush()
    return branch, alice, bob, ended


def _stored(session) -> dict:
    return {(c.hold_id, c.kind): c.records for c in session.scalars(select(HoldCount))}


def _counted_afresh(session, but=()) -> dict:
    """Every hold but `but` counted from scratch (then the stored counts put back as they
    were)."""
    stored = _stored(session)
    with session.begin_nested() as savepoint:
        ids = [h for (h,) in session.execute(select(coverage.H.c.id)) if h not in but]
        fresh = coverage.refresh_counts(session, ids)
        savepoint.rollback()
    assert _stored(session) == stored
    return {(h, k): n for h, counts in fresh.items() for k, n in counts.items()}


def test_stored_counts_match_a_full_count_after_a_purge_and_an_import(app, session):
    clock.freeze(START)
    branch, alice, bob, ended = _library(session)
    coverage.refresh_counts(session, [h for (h,) in session.execute(select(coverage.H.c.id))])
    ended.released_at = clock.now()  # ended: its records follow the schedule again
    ended.release_reason = "No longer needed"
    session.commit()
    before = _stored(session)

    clock.freeze(START + timedelta(hours=1))
    report = purge.run_purge(session.connection())
    purge.recount_holds(session.connection())
    session.commit()
    assert sum(r.preserved for r in report.results.values()) > 0
    assert _stored(session) == _counted_afresh(session)
    assert _stored(session) != before  # the purge moved them

    loans = [
        {  # a new loan of alice's, in the branch hold's window
            "card_number": alice.card_number,
            "branch_code": branch.code,
            "item_barcode": "39000001",
            "item_title": "Lila",
            "checked_out_at": "2026-01-20T10:00",
            "due_at": "2026-02-10T10:00",
            "returned_at": "2026-01-25T10:00",
        },
        {  # a new loan of bob's, now
            "card_number": bob.card_number,
            "branch_code": branch.code,
            "item_barcode": "39000002",
            "item_title": "Home",
            "checked_out_at": "2026-03-02T10:00",
            "due_at": "2026-03-23T10:00",
        },
    ]
    with app.app_context():
        importer.import_rows(session, importer.Sheet("loans", list(enumerate(loans, 2)), {}))
        session.commit()
    ended_count = {(ended.id, "loans"): _stored(session)[(ended.id, "loans")]}
    assert _stored(session) == _counted_afresh(session, but={ended.id}) | ended_count

    clock.freeze(START + timedelta(days=70))  # alice's imported loan past retention, and more
    purge.run_purge(session.connection())
    purge.recount_holds(session.connection())
    session.commit()
    assert _stored(session) == _counted_afresh(session)
