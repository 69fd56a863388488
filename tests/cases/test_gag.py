"""Gag orders: the circle sees the case; to everyone else it does not exist (docs/rules.md)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from disclosure import clock
from disclosure.audit.models import AuditEvent
from disclosure.auth.models import ActingDirector
from disclosure.cases import gag, visibility
from disclosure.cases.models import Case
from disclosure.errors import DomainError
from disclosure.notify.models import Notification
from tests import factories

_numbers = iter(range(1, 10_000))


def make_case(session, clerk, **fields) -> Case:
    now = clock.now()
    values = dict(
        year=now.year,
        number=next(_numbers) + 5000,
        kind="subpoena",
        status="with_director",
        received_at=now,
        received_by_id=clerk.id,
        routed_at=now,
        officer_name="Det. Pat Quill",
        officer_agency="County Sheriff",
    )
    values.update(fields)
    case = Case(**values)
    session.add(case)
    session.flush()
    return case


@pytest.fixture
def people(session):
    clerk = factories.user(session, "staff")
    return {
        "director": factories.user(session, "director"),
        "counsel": factories.user(session, "counsel"),
        "other_counsel": factories.user(session, "counsel"),
        "clerk": clerk,
        "supervisor": factories.user(session, "supervisor"),
        "admin": factories.user(session, "admin"),
        "member": factories.user(session, "supervisor"),
    }


def sees(session, user, case) -> bool:
    return visibility.load_case(session, user, case.id) is not None


def test_gagged_case_is_seen_only_by_its_circle(session, people):
    case = make_case(
        session, people["clerk"], kind="nsl", gagged=True, counsel_id=people["counsel"].id
    )
    gag.add_member(session, people["director"], case, people["member"])
    inside = {"director", "counsel", "member"}
    for name, user in people.items():
        assert sees(session, user, case) == (name in inside), name


def test_acting_director_is_in_every_circle_while_acting(session, people):
    acting = factories.user(session, "staff")
    case = make_case(session, people["clerk"], kind="fisa_order", gagged=True)
    assert not sees(session, acting, case)
    session.add(
        ActingDirector(
            user_id=acting.id,
            named_by_id=people["director"].id,
            starts_at=clock.now() - timedelta(hours=1),
            ends_at=clock.now() + timedelta(days=3),
        )
    )
    session.flush()
    assert sees(session, acting, case)


def test_removing_a_member_removes_their_sight_at_once(session, people):
    case = make_case(session, people["clerk"], gagged=True)
    gag.add_member(session, people["director"], case, people["member"])
    assert sees(session, people["member"], case)
    gag.remove_member(session, people["director"], case, people["member"])
    assert not sees(session, people["member"], case)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    assert actions == ["case.circle_added", "case.circle_removed"]


def test_gagged_cases_are_not_counted_outside_the_circle(session, people):
    make_case(session, people["clerk"], gagged=True, counsel_id=people["counsel"].id)
    make_case(session, people["clerk"], counsel_id=people["other_counsel"].id)
    count = lambda user: len(session.scalars(visibility.visible_cases(session, user)).all())  # noqa: E731
    assert count(people["other_counsel"]) == 1
    assert count(people["counsel"]) == 1
    assert count(people["admin"]) == 0
    public = session.scalars(select(Case).where(visibility.not_gagged())).all()
    assert all(not c.gagged for c in public)


def test_lifting_the_gag_returns_the_case_to_the_normal_rules(session, people):
    clock.freeze(factories.at(2026, 12, 1))
    case = make_case(session, people["clerk"], gagged=True, counsel_id=people["counsel"].id)
    gag.add_member(session, people["director"], case, people["member"])
    gag.lift_gag(
        session,
        people["director"],
        case,
        reason="The court lifted the order",
        authority="Order of 1 Dec 2026, docket 26-MC-14",
    )
    assert not case.gagged and case.gag_lifted_at == clock.now()
    # a named member's sight came from the gag; the counsel assigned keeps theirs
    assert not sees(session, people["member"], case)
    assert sees(session, people["counsel"], case)
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.gag_lifted"
        )
    ).one()
    assert "The court lifted the order" in event.detail and event.at == clock.now()


def test_a_gag_expires_on_its_end_date(session, people, app_context):
    clock.freeze(factories.at(2026, 11, 23))
    case = make_case(session, people["clerk"], kind="nsl")
    gag.impose_gag(
        session,
        people["director"],
        case,
        issued_by="FBI St. Louis Field Office",
        issued_on=clock.today(),
        until=clock.today() + timedelta(days=30),
    )
    assert gag.lift_expired_gags(session) == 0 and case.gagged
    clock.freeze(factories.at(2026, 12, 24))
    assert gag.lift_expired_gags(session) == 1
    assert not case.gagged and "expired on 2026-12-23" in case.gag_lift_reason
    assert gag.lift_expired_gags(session) == 0  # safe to run twice


def test_imposing_a_gag_needs_the_issuer(session, people):
    case = make_case(session, people["clerk"])
    with pytest.raises(DomainError, match="who issued"):
        gag.impose_gag(session, people["director"], case, issued_by=" ", issued_on=None)


def test_notifications_about_a_gagged_case_say_only_that_a_restricted_matter_needs_attention(
    session, people
):
    case = make_case(session, people["clerk"], kind="nsl", gagged=True, officer_name="Agent CANARY")
    note = gag.notify_about_case(
        session,
        people["director"],
        case,
        f"New NSL from {case.officer_name}",
        "details",
        link=f"/cases/{case.public_id}",
        urgent=True,
    )
    session.flush()
    stored = session.get(Notification, note.id)
    assert stored.subject == "A restricted matter needs your attention. Sign in to view it."
    assert stored.body == "" and stored.link == "/" and "CANARY" not in stored.subject
    open_case = make_case(session, people["clerk"])
    plain = gag.notify_about_case(
        session, people["director"], open_case, "New subpoena", link=f"/cases/{open_case.public_id}"
    )
    assert plain.subject == "New subpoena"


def test_only_a_gagged_case_has_a_circle(session, people):
    case = make_case(session, people["clerk"])
    with pytest.raises(DomainError, match="Only a gagged case"):
        gag.add_member(session, people["director"], case, people["member"])


def test_the_scheduler_lifts_an_expired_gag(app, session, people):
    from disclosure import jobs

    clock.freeze(factories.at(2026, 11, 1))
    case = make_case(session, people["clerk"], kind="nsl")
    with app.app_context():  # the gag asks the app's other areas (a patron's report) to hear it
        gag.impose_gag(
            session,
            people["director"],
            case,
            issued_by="FBI",
            issued_on=clock.today(),
            until=clock.today() + timedelta(days=10),
        )
    session.commit()
    clock.freeze(factories.at(2026, 11, 20))
    jobs.run_job(app, jobs.job_named(app, "gag-expiry"))
    session.expire_all()
    assert session.get(Case, case.id).gagged is False
