"""The purge deletes what is past its retention and skips everything under an active hold
(docs/rules.md, "Retention and purges")."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from disclosure import clock
from disclosure.holds.models import PreservedRecord
from disclosure.records import models as m
from disclosure.retention import purge
from disclosure.retention.models import (
    ComputerSessionStatistic,
    LoanStatistic,
    PurgeRun,
    PurgeRunCount,
)
from tests import factories as f

NOW = f.at(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(NOW)


def run(session, **kwargs):
    session.flush()
    return purge.run_purge(session.connection(), **kwargs)


def ids(session, model) -> set[int]:
    return set(session.scalars(select(model.id)))


def old_records(session, patron):
    """One record of each kind, all past their retention, all of `patron`."""
    branch = f.branch(session)
    station = f.workstation(session, branch)
    ill = f.interlibrary_loan(session, patron, completed_days_ago=5)
    program = f.program(session, branch, ends_on=clock.today() - timedelta(days=2))
    return {
        "loans": f.loan(session, patron, branch, days_ago=100, returned_days_ago=90),
        "computer_sessions": f.computer_session(session, station, patron, days_ago=10),
        "interlibrary_loans": ill,
        "ill_emails": f.ill_email(session, ill, sent_at=clock.now() - timedelta(days=20)),
        "program_registrations": f.registration(
            session, program, patron, registered_at=clock.now() - timedelta(days=30)
        ),
        "mailing_list_subscriptions": f.subscription(session, patron, inactive_days=200),
    }


MODELS = {
    "loans": m.Loan,
    "computer_sessions": m.ComputerSession,
    "interlibrary_loans": m.InterlibraryLoan,
    "ill_emails": m.IllEmail,
    "program_registrations": m.ProgramRegistration,
    "mailing_list_subscriptions": m.MailingListSubscription,
}
CATEGORY = {"ill_emails": "interlibrary_loans"}


def preserved(session, kind) -> set[int]:
    """The original ids of the copies of `kind` in the preservation store."""
    return set(
        session.scalars(select(PreservedRecord.original_id).where(PreservedRecord.kind == kind))
    )


def gone(session, kind, record) -> bool:
    if kind == "interlibrary_loans":
        return (
            session.scalar(
                select(m.InterlibraryLoan.patron_id).where(m.InterlibraryLoan.id == record.id)
            )
            is None
        )
    return record.id not in ids(session, MODELS[kind])


def test_the_purge_deletes_each_kind_past_its_retention(session):
    records = old_records(session, f.patron(session))
    recent = f.loan(session, days_ago=10, returned_days_ago=5)
    run(session)
    for kind, record in records.items():
        assert gone(session, kind, record), kind
    assert recent.id in ids(session, m.Loan)


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_the_purge_preserves_held_records_of_each_kind_and_lets_them_go(session, kind):
    patron = f.patron(session)
    records = old_records(session, patron)
    f.hold(session, patrons=[patron], categories=[CATEGORY.get(kind, kind)])
    run(session)
    assert gone(session, kind, records[kind])  # out of ordinary use, on schedule
    assert preserved(session, kind) == {records[kind].id}
    others = [k for k in records if CATEGORY.get(k, k) != CATEGORY.get(kind, kind)]
    assert all(gone(session, k, records[k]) for k in others)


def test_the_purge_skips_records_held_by_patron(session):
    named, other = f.patron(session), f.patron(session)
    kept, _lost = (
        f.loan(session, named, days_ago=100, returned_days_ago=90),
        f.loan(session, other, days_ago=100, returned_days_ago=90),
    )
    f.hold(session, patrons=[named], categories=["loans"])
    run(session)
    assert preserved(session, "loans") == {kept.id}
    assert not ids(session, m.Loan)


def test_the_purge_skips_records_held_by_workstation(session):
    named, other = f.workstation(session), f.workstation(session)
    kept = f.computer_session(session, named, days_ago=10)
    f.computer_session(session, other, days_ago=10)
    f.hold(session, workstations=[named], categories=["computer_sessions"])
    run(session)
    assert preserved(session, "computer_sessions") == {kept.id}
    assert not ids(session, m.ComputerSession)


def test_a_hold_naming_a_patron_and_a_computer_keeps_only_their_sessions_on_that_computer(
    session,
):
    patron, someone_else = f.patron(session), f.patron(session)
    named, other = f.workstation(session), f.workstation(session)
    kept = f.computer_session(session, named, patron, days_ago=10)
    f.computer_session(session, other, patron, days_ago=10)
    f.computer_session(session, named, someone_else, days_ago=10)
    f.hold(session, patrons=[patron], workstations=[named], categories=["computer_sessions"])
    run(session)
    assert preserved(session, "computer_sessions") == {kept.id}
    assert not ids(session, m.ComputerSession)


def test_the_purge_skips_records_held_by_branch(session):
    branch, elsewhere = f.branch(session), f.branch(session)
    kept_session = f.computer_session(session, f.workstation(session, branch), days_ago=10)
    f.computer_session(session, f.workstation(session, elsewhere), days_ago=10)
    kept_loan = f.loan(session, branch_obj=branch, days_ago=100, returned_days_ago=90)
    f.loan(session, branch_obj=elsewhere, days_ago=100, returned_days_ago=90)
    f.hold(session, branch_obj=branch, categories=["loans", "computer_sessions"])
    run(session)
    assert preserved(session, "computer_sessions") == {kept_session.id}
    assert preserved(session, "loans") == {kept_loan.id}
    assert not ids(session, m.ComputerSession) and not ids(session, m.Loan)


def test_the_purge_skips_records_held_by_time_window(session):
    station = f.workstation(session)
    inside = f.computer_session(session, station, days_ago=10)
    f.computer_session(session, station, days_ago=20)
    f.computer_session(session, station, days_ago=5)
    window = (clock.now() - timedelta(days=12), clock.now() - timedelta(days=8))
    f.hold(session, window=window, categories=["computer_sessions"])
    in_window = f.loan(session, days_ago=95, returned_days_ago=85)
    f.loan(session, days_ago=80, returned_days_ago=70)
    f.hold(
        session,
        window=(clock.now() - timedelta(days=100), clock.now() - timedelta(days=90)),
        categories=["loans"],
    )
    run(session)
    assert preserved(session, "computer_sessions") == {inside.id}
    assert not ids(session, m.ComputerSession)  # before, inside and after: all past 3 days
    assert preserved(session, "loans") == {in_window.id}
    assert not ids(session, m.Loan)


def test_a_loan_spanning_the_window_is_held(session):
    spanning = f.loan(session, days_ago=200, returned_days_ago=100)
    f.hold(
        session,
        window=(clock.now() - timedelta(days=150), clock.now() - timedelta(days=140)),
        categories=["loans"],
    )
    run(session)
    assert preserved(session, "loans") == {spanning.id}


def test_a_preserved_copy_goes_at_the_first_run_after_its_hold_expires(session):
    patron = f.patron(session)
    loan = f.loan(session, patron, days_ago=100, returned_days_ago=90)
    f.hold(session, patrons=[patron], categories=["loans"], requested_at=clock.now())
    run(session)
    assert loan.id not in ids(session, m.Loan) and preserved(session, "loans") == {loan.id}
    clock.freeze(NOW + timedelta(days=89))
    run(session)
    assert preserved(session, "loans") == {loan.id}
    clock.freeze(NOW + timedelta(days=90))
    report = run(session)
    assert preserved(session, "loans") == set()
    assert report.results["loans"].copies_removed == 1
    last = session.scalars(select(PurgeRun).order_by(PurgeRun.id.desc())).first()
    assert {c.kind: c.copies_removed for c in last.counts if c.copies_removed} == {"loans": 1}


def test_a_released_hold_no_longer_protects(session):
    patron = f.patron(session)
    loan = f.loan(session, patron, days_ago=100, returned_days_ago=90)
    f.hold(session, patrons=[patron], categories=["loans"], released_at=clock.now())
    run(session)
    assert loan.id not in ids(session, m.Loan)


def test_ill_anonymisation_keeps_status_and_department(session):
    patron = f.patron(session)
    done = f.interlibrary_loan(
        session, patron, completed_days_ago=1, status="received copy", department="Genealogy"
    )
    f.ill_email(session, done)
    open_request = f.interlibrary_loan(session, patron, completed_days_ago=None)
    f.ill_email(session, open_request)
    run(session)
    row = session.execute(
        select(m.InterlibraryLoan).where(m.InterlibraryLoan.id == done.id)
    ).scalar_one()
    session.refresh(row)
    assert (row.patron_id, row.title, row.lending_library) == (None, None, None)
    assert (row.status, row.department, row.reference) == (
        "received copy",
        "Genealogy",
        done.reference,
    )
    assert row.anonymised_at == NOW
    assert set(session.scalars(select(m.IllEmail.ill_id))) == {open_request.id}
    session.refresh(open_request)
    assert open_request.patron_id == patron.id and open_request.title


def test_statistics_survive_the_purge(session):
    branch = f.branch(session)
    station = f.workstation(session, branch)
    march = f.at(2026, 3, 10)
    for _ in range(3):
        f.loan(
            session,
            branch_obj=branch,
            checked_out_at=march,
            due_at=march,
            returned_at=march + timedelta(days=7),
        )
    f.computer_session(session, station, started_at=f.at(2026, 6, 1, 18), ended_at=None)
    f.computer_session(
        session, station, started_at=f.at(2026, 6, 2, 3), ended_at=None
    )  # 1 June at 10 p.m. in Missouri
    run(session)
    run(session)  # a second run finds nothing more to count
    assert session.scalar(select(func.count()).select_from(m.Loan)) == 0
    assert session.execute(
        select(LoanStatistic.branch_id, LoanStatistic.month, LoanStatistic.loans)
    ).all() == [(branch.id, date(2026, 3, 1), 3)]
    assert session.execute(
        select(ComputerSessionStatistic.day, ComputerSessionStatistic.sessions)
    ).all() == [(date(2026, 6, 1), 2)]


def test_an_expired_card_with_nothing_owed_is_deleted_unless_on_loan_held_ones_copied_first(
    session,
):
    expired = dict(card_expires_on=clock.today() - timedelta(days=1))
    plain = f.patron(session, **expired)
    owes = f.patron(session, amount_owed=Decimal("2.50"), **expired)
    borrowing = f.patron(session, **expired)
    f.loan(session, borrowing, returned_days_ago=None)
    held_elsewhere = f.patron(session, **expired)
    session_of_held = f.computer_session(session, patron_obj=held_elsewhere, days_ago=1)
    f.hold(
        session, categories=["computer_sessions"], window=(clock.now() - timedelta(days=2), None)
    )
    returned_loan = f.loan(session, plain, days_ago=20, returned_days_ago=10)
    current = f.patron(session)
    run(session)
    remaining = ids(session, m.Patron)
    assert plain.id not in remaining and returned_loan.id not in ids(session, m.Loan)
    assert {owes.id, borrowing.id, current.id} <= remaining
    # held: out of ordinary use, their registration and their held session in the store
    assert held_elsewhere.id not in remaining
    kept = session.execute(select(PreservedRecord.kind, PreservedRecord.original_id)).all()
    assert sorted(kept) == [
        ("computer_sessions", session_of_held.id),
        ("patrons", held_elsewhere.id),
    ]
    # the deleted patron's loan was counted before it went with them
    assert session.scalar(select(func.sum(LoanStatistic.loans))) == 1


def test_a_purge_run_is_recorded_with_counts_only(session):
    patron = f.patron(session)
    f.loan(session, patron, days_ago=100, returned_days_ago=90)
    f.loan(session, patron, days_ago=100, returned_days_ago=90)
    f.loan(session, days_ago=100, returned_days_ago=90)
    f.hold(session, patrons=[patron], categories=["loans"])
    report = run(session, trigger="scheduler")
    runs = session.scalars(select(PurgeRun)).all()
    assert [(r.status, r.trigger, r.started_at, r.finished_at) for r in runs] == [
        ("finished", "scheduler", NOW, NOW)
    ]
    loans = session.scalars(select(PurgeRunCount).where(PurgeRunCount.kind == "loans")).one()
    assert (loans.deleted, loans.anonymised, loans.kept_held, loans.preserved) == (3, 0, 0, 2)
    assert report.results["loans"].preserved == 2


def test_only_one_purge_runs_at_a_time(session):
    session.add(
        PurgeRun(
            started_at=clock.now(), heartbeat_at=clock.now(), status="running", trigger="scheduler"
        )
    )
    with pytest.raises(purge.PurgeBusy):
        run(session)
    clock.freeze(NOW + purge.STALE_AFTER + timedelta(seconds=1))  # that run died without a word
    run(session)
    assert sorted(session.scalars(select(PurgeRun.status))) == ["finished", "interrupted"]


def test_a_dry_run_counts_and_changes_nothing(session):
    patron = f.patron(session)
    f.loan(session, patron, days_ago=100, returned_days_ago=90)
    f.loan(session, days_ago=100, returned_days_ago=90)
    f.hold(session, patrons=[patron], categories=["loans"])
    report = run(session, dry_run=True)
    loans = report.results["loans"]
    assert (loans.would_go, loans.preserved, loans.kept_held) == (2, 1, 0)
    assert session.scalar(select(func.count()).select_from(m.Loan)) == 2
    assert session.scalar(select(func.count()).select_from(PurgeRun)) == 0


def test_retention_days_set_by_the_director_are_what_the_purge_enforces(session):
    from disclosure.retention.rules import update_rules

    director = f.user(session, "director")
    six_days = f.computer_session(session, days_ago=6)
    update_rules(session, director, {"computer_sessions": 7})
    run(session)
    assert six_days.id in ids(session, m.ComputerSession)
    update_rules(session, director, {"computer_sessions": 5})
    run(session)
    assert six_days.id not in ids(session, m.ComputerSession)


def _a_dead_pid() -> int:
    """The pid of a process that has ended (and been reaped) on this host."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running_run(session, **fields):
    values = dict(
        started_at=clock.now(), heartbeat_at=clock.now(), status="running", trigger="scheduler"
    )
    values.update(fields)
    session.add(PurgeRun(**values))
    session.flush()


def test_a_killed_purge_is_followed_at_once_by_a_successful_one(session):
    import socket

    _running_run(session, host=socket.gethostname(), pid=_a_dead_pid())  # its heartbeat is fresh
    old = f.computer_session(session, days_ago=10)
    report = run(session)
    assert report.results["computer_sessions"].deleted == 1
    assert old.id not in ids(session, m.ComputerSession)
    assert sorted(session.scalars(select(PurgeRun.status))) == ["finished", "interrupted"]
    finished = session.scalars(select(PurgeRun).where(PurgeRun.status == "finished")).one()
    assert (finished.host, finished.pid) == (socket.gethostname(), __import__("os").getpid())


def test_a_purge_whose_process_lives_or_runs_elsewhere_waits_for_its_heartbeat(session):
    import os
    import socket

    _running_run(session, host=socket.gethostname(), pid=os.getpid())
    with pytest.raises(purge.PurgeBusy, match="Another purge"):
        run(session)
    session.execute(PurgeRun.__table__.delete())
    _running_run(session, host="another-host.invalid", pid=_a_dead_pid())
    with pytest.raises(purge.PurgeBusy):
        run(session)  # not this host's process: only its heartbeat can tell
    clock.freeze(NOW + purge.STALE_AFTER + timedelta(seconds=1))
    run(session)
    assert sorted(session.scalars(select(PurgeRun.status))) == ["finished", "interrupted"]


def test_the_purge_counts_the_records_that_go_with_an_expired_patron(session):
    patron = f.patron(session, card_expires_on=clock.today() - timedelta(days=30))
    branch = f.branch(session)
    f.loan(session, patron, branch, days_ago=3, returned_days_ago=1)  # not yet due by itself
    f.computer_session(session, f.workstation(session, branch), patron, days_ago=1)
    f.subscription(session, patron, inactive_days=1)
    report = run(session)
    assert patron.id not in ids(session, m.Patron)
    expected = {"patrons": 1, "loans": 1, "computer_sessions": 1, "mailing_list_subscriptions": 1}
    assert {k: r.deleted for k, r in report.results.items() if r.deleted} == expected
    counts = session.scalars(select(PurgeRunCount).where(PurgeRunCount.deleted > 0)).all()
    assert {c.kind: c.deleted for c in counts} == expected
