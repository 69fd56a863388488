"""The purge is crash-safe (a run that dies after any batch, run again, ends as an uninterrupted
run would) and race-free (a hold committed while it runs protects its records)."""

from __future__ import annotations

import os
import random
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from disclosure import clock
from disclosure.auth.models import User
from disclosure.cases.models import Case
from disclosure.db import db
from disclosure.holds.models import (
    Hold,
    HoldPatron,
    HoldWorkstation,
    PreservedRecord,
    PreservedRecordHold,
)
from disclosure.holds.service import HoldRequest, place_hold
from disclosure.records import models as m
from disclosure.retention import purge
from disclosure.retention.models import ComputerSessionStatistic, LoanStatistic
from tests import factories as f
from tests.conftest import committed_app

pytestmark = pytest.mark.committing
NOW = f.at(2026, 6, 15)
COMPARED = [
    m.Patron,
    m.Loan,
    m.ComputerSession,
    m.InterlibraryLoan,
    m.IllEmail,
    m.ProgramRegistration,
    m.MailingListSubscription,
    LoanStatistic,
    ComputerSessionStatistic,
]


def load_library(app) -> None:
    """The same small library every time (explicit values, no factory counters), with holds of
    every scope, and enough due records for several batches of every kind."""
    rng = random.Random(4)
    with db.new_session(app) as s:
        director = f.user(s, "director", username="dir", email="dir@library.invalid")
        branches = [m.Branch(code=f"B{i}", name=f"Branch {i}") for i in range(3)]
        s.add_all(branches)
        s.flush()
        stations = [m.Workstation(code=f"PC{i}", branch_id=branches[i % 3].id) for i in range(6)]
        s.add_all(stations)
        s.flush()
        patrons = [
            m.Patron(
                card_number=f"2100{i:010d}",
                name=f"P {i}",
                address="1 Main St",
                card_expires_on=date(2026, 6, 1) if i % 4 == 0 else date(2027, 1, 1),
                amount_owed=Decimal("1.00") if i % 8 == 0 else Decimal("0"),
                registered_at=NOW - timedelta(days=900),
            )
            for i in range(40)
        ]
        s.add_all(patrons)
        s.flush()
        for i in range(160):
            out = NOW - timedelta(days=rng.randint(5, 300), hours=rng.randint(0, 23))
            back = out + timedelta(days=rng.randint(1, 30))
            s.add(
                m.Loan(
                    patron_id=rng.choice(patrons).id,
                    branch_id=rng.choice(branches).id,
                    item_barcode=f"I{i}",
                    item_title="T",
                    checked_out_at=out,
                    due_at=out + timedelta(days=21),
                    returned_at=back if back < NOW and i % 10 else None,
                    fine_settled=True,
                )
            )
            start = NOW - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
            s.add(
                m.ComputerSession(
                    workstation_id=rng.choice(stations).id,
                    patron_id=rng.choice(patrons).id if i % 3 else None,
                    signup_name=None if i % 3 else "Walk In",
                    started_at=start,
                    ended_at=start + timedelta(hours=1),
                )
            )
        for i in range(24):
            ill = m.InterlibraryLoan(
                reference=f"ILL{i}",
                patron_id=rng.choice(patrons).id,
                title="X",
                lending_library="Y",
                status="returned" if i % 3 else "pending",
                department="Reference",
                requested_at=NOW - timedelta(days=60),
                completed_at=NOW - timedelta(days=i) if i % 3 else None,
            )
            s.add(ill)
            s.flush()
            s.add(
                m.IllEmail(
                    ill_id=ill.id,
                    sent_at=NOW - timedelta(days=50),
                    to_address="a@b.c",
                    subject="s",
                    body="b",
                )
            )
        program = m.Program(
            code="PRG",
            branch_id=branches[0].id,
            title="Storytime",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 5, 2),
        )
        mailing = m.MailingList(name="News")
        s.add_all([program, mailing])
        s.flush()
        for i, p in enumerate(patrons[:20]):
            s.add(
                m.ProgramRegistration(
                    program_id=program.id, patron_id=p.id, registered_at=NOW - timedelta(days=60)
                )
            )
            s.add(
                m.MailingListSubscription(
                    list_id=mailing.id,
                    patron_id=p.id,
                    email="x@y.z",
                    subscribed_at=NOW - timedelta(days=400),
                    last_activity_at=NOW - timedelta(days=100 + 10 * i),
                )
            )
        case = Case(
            year=2026,
            number=1,
            kind="preservation",
            status="with_director",
            received_at=NOW,
            received_by_id=director.id,
            routed_at=NOW,
            officer_name="Officer",
            officer_agency="Sheriff",
        )
        s.add(case)
        s.flush()

        def hold(scope, categories, **kw):
            h = Hold(
                case_id=case.id,
                requested_at=NOW,
                requested_by="Det.",
                expires_at=NOW + timedelta(days=90),
                placed_at=NOW,
                placed_by_id=director.id,
                scope=scope,
                **kw,
            )
            h.set_categories(categories)
            return h

        every = [
            "loans",
            "computer_sessions",
            "interlibrary_loans",
            "program_registrations",
            "mailing_list_subscriptions",
            "patrons",
        ]
        by_patron = hold("patrons", every)
        by_patron.patrons = [HoldPatron.naming(patrons[i]) for i in (0, 5, 9)]
        by_station = hold("workstations", ["computer_sessions"])
        by_station.workstations = [HoldWorkstation(workstation_id=stations[1].id)]
        s.add_all(
            [
                by_patron,
                by_station,
                hold("branch", ["loans"], branch_id=branches[2].id),
                hold(
                    "library",
                    ["computer_sessions", "loans"],
                    window_start=NOW - timedelta(days=20),
                    window_end=NOW - timedelta(days=15),
                ),
            ]
        )
        s.commit()


def state(app) -> dict:
    """Every row of the records and statistics (statistics without their surrogate ids, which a
    rolled-back PostgreSQL sequence does not give back)."""

    def columns(model):
        return [
            c
            for c in model.__table__.c
            if not (c.name == "id" and model in (LoanStatistic, ComputerSessionStatistic))
        ]

    with db.new_session(app) as s:
        found = {
            model.__tablename__: sorted(tuple(r) for r in s.execute(select(*columns(model))).all())
            for model in COMPARED
        }
        found["preserved"] = preserved_copies(s)
        return found


def preserved_copies(s) -> list[tuple]:
    """The preservation store, without its surrogate ids: (kind, original id, content, why,
    the holds it is tied to)."""
    links = s.execute(
        select(PreservedRecord.id, PreservedRecordHold.hold_id).join(
            PreservedRecordHold, PreservedRecordHold.preserved_id == PreservedRecord.id
        )
    ).all()
    holds_of: dict[int, list[int]] = {}
    for preserved_id, hold_id in links:
        holds_of.setdefault(preserved_id, []).append(hold_id)
    return sorted(
        (c.kind, c.original_id, c.content, c.why, tuple(sorted(holds_of.get(c.id, []))))
        for c in s.scalars(select(PreservedRecord))
    )


@pytest.fixture
def twin_app(backend, server_for):
    """A second committing database, for the uninterrupted run to compare with."""
    with committed_app(backend, server_for(backend)) as application:
        yield application


class Crash(Exception):
    pass


def crash_at(batch: int, *, inside: bool = False) -> purge.PurgeHooks:
    """Hooks that kill the run after the `batch`-th committed batch (or, `inside`, in the middle
    of the next one, after its deletion and before its commit)."""
    seen = {"n": 0}

    def after_batch(_kind, _number):
        seen["n"] += 1
        if seen["n"] == batch and not inside:
            raise Crash

    def before_commit(_kind, _first, _last):
        if inside and seen["n"] == batch:
            raise Crash

    return purge.PurgeHooks(before_commit=before_commit, after_batch=after_batch)


def test_a_purge_that_dies_after_any_batch_ends_like_an_uninterrupted_run(fresh_app, twin_app):
    clock.freeze(NOW)
    load_library(twin_app)
    load_library(fresh_app)
    assert state(twin_app) == state(fresh_app)
    purge.run_purge(db.engine_for(twin_app), batch_size=4)
    expected = state(twin_app)
    assert expected != state(fresh_app)  # the purge did something
    assert len(expected["preserved"]) > 10  # and preserved what the holds cover
    for k, inside in [(1, False), (3, True), (6, False), (9, True), (14, False)]:
        with pytest.raises(Crash):
            purge.run_purge(
                db.engine_for(fresh_app), batch_size=4, hooks=crash_at(k, inside=inside)
            )
    purge.run_purge(db.engine_for(fresh_app), batch_size=4)
    assert state(fresh_app) == expected
    with db.new_session(fresh_app) as s:
        statuses = s.scalars(select(purge.RUNS.c.status).order_by(purge.RUNS.c.id)).all()
    assert statuses == ["failed"] * 5 + ["finished"]


REPETITIONS = int(os.environ.get("RACE_REPS", 100))


def test_a_hold_committed_while_the_purge_runs_protects_its_records(fresh_app, backend):
    """Two connections and a barrier: a purge batch has selected and deleted loans (due, not
    held) but not yet committed; the Director then places a hold on a patron whose loans are in
    that batch. Whatever the hold counts as covered when it commits must still exist when the
    purge is done, every time. (Without the lock the hold counts the loans the batch is about
    to commit the deletion of, and they are lost: this test fails at once.)"""
    if backend != "postgresql":
        pytest.skip(
            "the race test is for PostgreSQL (SQLite has one writer at a time: BEGIN IMMEDIATE)"
        )
    clock.freeze(NOW)
    engine = db.engine_for(fresh_app)
    with db.new_session(fresh_app) as s:
        director = f.user(s, "director")
        case = f.held_case(s)
        s.commit()
        director_id, case_id = director.id, case.id
    for repetition in range(REPETITIONS):
        with db.new_session(fresh_app) as s:
            target = f.patron(s)
            for _ in range(3):
                f.loan(s, target, days_ago=100, returned_days_ago=90)
                f.loan(s, days_ago=100, returned_days_ago=90)
            s.commit()
            card, target_id = target.card_number, target.id
        outcome = race_once(fresh_app, engine, director_id, case_id, card)
        with db.new_session(fresh_app) as s:
            remaining = len(s.scalars(select(m.Loan.id).where(m.Loan.patron_id == target_id)).all())
        assert outcome["error"] is None, outcome["error"]
        assert outcome["selected"], "the purge selected no loans: the race did not happen"
        assert remaining == outcome["covered"], f"repetition {repetition}: a held record was lost"


def race_once(app, engine, director_id, case_id, card) -> dict:
    barrier = threading.Barrier(2, timeout=30)
    outcome = {"covered": None, "selected": False, "error": None}
    hold_done = threading.Event()
    hold_pid = {}

    def hold_waiting_or_done() -> None:
        # Let the purge go on only once the hold has committed, or is waiting for the lock.
        with engine.connect() as watcher:
            deadline = time.monotonic() + 30
            while not hold_done.is_set() and time.monotonic() < deadline:
                waiting = watcher.scalar(
                    text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": hold_pid["pid"]},
                )
                watcher.rollback()
                if waiting == "Lock":
                    return
                time.sleep(0.002)

    def before_commit(kind, _first, _last):
        if kind == "loans" and not outcome["selected"]:
            outcome["selected"] = True
            barrier.wait()
            hold_waiting_or_done()

    def run_purge():
        try:
            purge.run_purge(engine, hooks=purge.PurgeHooks(before_commit=before_commit))
        except Exception as err:  # noqa: BLE001 - reported by the test
            outcome["error"] = outcome["error"] or f"purge: {err!r}"
            barrier.abort()

    def place():
        try:
            with db.new_session(app) as s:
                hold_pid["pid"] = s.scalar(text("SELECT pg_backend_pid()"))
                barrier.wait()
                director = s.get(User, director_id)
                case = s.get(Case, case_id)
                request = HoldRequest(
                    categories=["loans"],
                    requested_on=clock.today(),
                    requested_by="Det.",
                    patron_cards=[card],
                    workstation_codes=[],
                )
                _, counts = place_hold(s, director, case, request)
                s.commit()
                outcome["covered"] = counts["loans"]
        except Exception as err:  # noqa: BLE001
            outcome["error"] = outcome["error"] or f"hold: {err!r}"
        finally:
            hold_done.set()

    threads = [threading.Thread(target=run_purge), threading.Thread(target=place)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcome
