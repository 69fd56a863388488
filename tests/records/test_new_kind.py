"""A kind of record added in this module alone (meeting-room bookings: a patron, a time span, a
branch) is held by a hold, purged when its retention ends and not while held, produced in a
production and listed in the patron's report, with no change to any other module: every area
reads the kinds from records/kinds.py and keys its own rules by the kind's key. An area that
spelled the kinds itself would leave this one out, and a test here would fail."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, func, insert, select

from disclosure import clock
from disclosure.cases import productions
from disclosure.cases import service as cases
from disclosure.db import UTCDateTime
from disclosure.holds import coverage
from disclosure.holds.models import PreservedRecord
from disclosure.patrons import service as patrons
from disclosure.records import kinds
from disclosure.records import models as m
from disclosure.retention import purge, rules
from disclosure.retention.models import PurgeRunCount
from tests import factories as f
from tests.patrons.steps import report_json, verify

NOW = f.at(2026, 6, 15)
KEY = "room_bookings"

# Not in the app's metadata: the models-versus-migrations check must not see it.
BOOKINGS = Table(
    KEY,
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("patron_id", Integer, ForeignKey(m.Patron.__table__.c.id, ondelete="CASCADE")),
    Column("branch_id", Integer, ForeignKey(m.Branch.__table__.c.id)),
    Column("room", String(80)),
    Column("starts_at", UTCDateTime),
    Column("ends_at", UTCDateTime),
)

ROOM_BOOKINGS = kinds.RecordKind(
    key=KEY,
    table=BOOKINGS,
    label="Meeting-room bookings",
    patron_label="Rooms you booked",
    patron_hint="Meeting rooms you booked at a branch.",
    category=kinds.HoldCategory(KEY, "Meeting-room bookings"),
    patron="patron_id",
    starts="starts_at",
    ends="ends_at",
    branch="branch_id",
)
RULE = rules.RuleSpec(KEY, "Meeting-room bookings", 30, "the booking ends", "deleted")
STEP = purge.Step(KEY, lambda now, today, days: BOOKINGS.c.ends_at <= now - timedelta(days=days))


@pytest.fixture
def room_bookings(session):
    """The table in this test's database, and the kind with its rules, for this test only."""
    clock.freeze(NOW)
    BOOKINGS.create(session.connection())
    kinds.register(ROOM_BOOKINGS)
    rules.register(RULE)
    purge.register(STEP)
    try:
        yield
    finally:
        purge.STEPS.unregister(KEY)
        rules.RULES.unregister(KEY)
        kinds.unregister(KEY)


def booking(session, patron, branch, *, ended_days_ago: int, room: str = "Room B") -> int:
    """A booking of two hours that ended `ended_days_ago` days before now; its id."""
    ends = clock.now() - timedelta(days=ended_days_ago)
    return session.execute(
        insert(BOOKINGS)
        .values(
            patron_id=patron.id,
            branch_id=branch.id,
            room=room,
            starts_at=ends - timedelta(hours=2),
            ends_at=ends,
        )
        .returning(BOOKINGS.c.id)
    ).scalar_one()


def bookings_left(session) -> set[int]:
    return set(session.scalars(select(BOOKINGS.c.id)))


def test_a_hold_on_the_new_category_holds_the_named_patrons_bookings(session, room_bookings):
    patron, other, branch = f.patron(session), f.patron(session), f.branch(session)
    theirs = booking(session, patron, branch, ended_days_ago=40)
    not_theirs = booking(session, other, branch, ended_days_ago=40)
    f.hold(session, patrons=[patron], categories=[KEY])
    assert coverage.record_is_held(session, KEY, theirs)
    assert not coverage.record_is_held(session, KEY, not_theirs)
    held = select(BOOKINGS.c.id).where(coverage.held(KEY, BOOKINGS))
    assert set(session.scalars(held)) == {theirs}
    assert coverage.patron_is_held(session, patron.id)


def test_a_branch_hold_with_a_window_holds_the_bookings_it_overlaps(session, room_bookings):
    patron, branch, elsewhere = f.patron(session), f.branch(session), f.branch(session)
    inside = booking(session, patron, branch, ended_days_ago=40)
    other_branch = booking(session, patron, elsewhere, ended_days_ago=40)
    later = booking(session, patron, branch, ended_days_ago=20)
    window = (clock.now() - timedelta(days=41), clock.now() - timedelta(days=39))
    f.hold(session, branch_obj=branch, window=window, categories=[KEY])
    held = select(BOOKINGS.c.id).where(coverage.held(KEY, BOOKINGS))
    assert set(session.scalars(held)) == {inside}
    assert {other_branch, later}.isdisjoint(session.scalars(held))


def test_the_purge_deletes_bookings_past_retention_preserving_held_ones(session, room_bookings):
    patron, other, branch = f.patron(session), f.patron(session), f.branch(session)
    booking(session, patron, branch, ended_days_ago=40)
    booking(session, other, branch, ended_days_ago=40)
    recent = booking(session, other, branch, ended_days_ago=5)
    hold = f.hold(session, patrons=[patron], categories=[KEY])
    session.flush()
    dry = purge.run_purge(session.connection(), dry_run=True)
    assert (dry.results[KEY].would_go, dry.results[KEY].preserved) == (2, 1)
    report = purge.run_purge(session.connection())
    assert bookings_left(session) == {recent}
    assert (report.results[KEY].deleted, report.results[KEY].preserved) == (2, 1)
    counted = session.scalar(
        select(func.sum(PurgeRunCount.deleted)).where(
            PurgeRunCount.run_id == report.run_id, PurgeRunCount.kind == KEY
        )
    )
    assert counted == 2
    copies = select(func.count()).where(PreservedRecord.kind == KEY)
    assert session.scalar(copies) == 1
    hold.released_at = clock.now()
    session.flush()
    purge.run_purge(session.connection())
    assert bookings_left(session) == {recent} and session.scalar(copies) == 0


def test_the_schedule_states_the_new_kinds_rule(session, room_bookings):
    sentences = dict(rules.retention_sentences(session))
    assert sentences[KEY] == "Meeting-room bookings are deleted 30 days after the booking ends."


def test_a_production_releases_the_patrons_bookings(session, room_bookings, app_context):
    director = f.user(session, "director")
    case = f.advised_case(session, director=director)
    cases.decide(session, director, case, "comply")
    patron, other, branch = f.patron(session), f.patron(session), f.branch(session)
    theirs = booking(session, patron, branch, ended_days_ago=3, room="Room C")
    booking(session, other, branch, ended_days_ago=3)
    assert KEY in list(productions.RECORD_KINDS)  # the production form offers it
    production = productions.freeze(
        session,
        director,
        case,
        productions.Criteria(kinds=[KEY], card_number=patron.card_number),
        recipient="Det. Example",
        authority="Subpoena",
    )
    assert [(i.record_kind, i.record_id) for i in production.items] == [(KEY, theirs)]
    assert production.items[0].data["room"] == "Room C"
    assert production.manifest["counts"] == {KEY: 1}
    released = json.loads(productions.export_json(case, production))
    assert [(r["kind"], r["data"]["patron_card_number"]) for r in released["records"]] == [
        (KEY, patron.card_number)
    ]


def test_the_patrons_report_lists_their_bookings(app, session, room_bookings):
    patron, other, branch = f.patron(session), f.patron(session), f.branch(session)
    booking(session, patron, branch, ended_days_ago=3, room="Room C")
    booking(session, other, branch, ended_days_ago=3, room="Room D")
    with app.app_context():
        request = patrons.ask_for_records(session, patron)
    report = verify(app, session, request)
    data = report_json(report)
    assert [row["Room"] for row in data["records"]["Rooms you booked"]] == ["Room C"]
    assert data["counts"][KEY] == 1 and report.counts[KEY] == 1
    assert "Rooms you booked" in report.csv_data.decode("utf-8-sig")
