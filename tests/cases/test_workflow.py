"""The life of a case, from the desk to closure (docs/rules.md, "Counsel and decisions")."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from io import BytesIO

import pytest
from sqlalchemy import func, select

from disclosure import clock
from disclosure.audit.models import AuditEvent
from disclosure.cases import deadlines, productions, queries, service, uploads
from disclosure.cases.models import CaseKind, CaseMember
from disclosure.cases.visibility import load_case
from disclosure.errors import DomainError
from tests import factories

PDF = b"%PDF-1.4\n%%EOF\n"
ALL_TRUE = {name: True for name, _ in service.CHECKLIST}
# how each kind ends in the walk below
ANSWER = {
    "informal": "proper_process_required",
    "subpoena": "comply",
    "search_warrant": "comply",
    "court_order": "comply_in_part",
    "fisa_order": "challenge",
    "nsl": "refuse_improper",
}


@pytest.fixture
def people(session):
    return {
        "director": factories.user(session, "director"),
        "counsel": factories.user(session, "counsel"),
        "clerk": factories.user(session, "staff"),
    }


def _actions(session, case):
    return session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()


@pytest.mark.parametrize("kind", [k.value for k in CaseKind])
def test_each_kind_walks_from_intake_to_closure(kind, people, session, app_context):
    director, counsel, clerk = people["director"], people["counsel"], people["clerk"]
    patron = factories.patron(session)
    factories.loan(session, patron)
    case = factories.case(session, kind, clerk=clerk, patron_cards=[patron.card_number])
    assert load_case(session, director, case.id) is case
    assert load_case(session, clerk, case.id) is None  # the desk never sees a routed case
    assert case.gagged == (kind in ("fisa_order", "nsl"))
    if kind == "preservation":
        pass  # the hold comes with the holds area; the case is recorded and closed here
    elif kind == "exigent":
        service.record_exigent_waiver(
            session,
            director,
            case,
            counsel_name="Morgan Reyes",
            advised_at=clock.now(),
            advice="Release the sign-up log for PC 3 only.",
            by_phone=True,
            emergency="Bomb threat e-mailed from a library computer",
            released="One session log",
        )
    else:
        service.assign_counsel(session, director, case, counsel, clock.today() + timedelta(days=5))
        assert load_case(session, counsel, case.id) is case
        checklist = {**ALL_TRUE, "signed": kind != "nsl"}
        service.record_advice(
            session, counsel, case, advice="Advice.", recommendation="comply", checklist=checklist
        )
        service.decide(
            session,
            director,
            case,
            ANSWER[kind],
            "Motion to quash filed." if kind == "fisa_order" else "",
        )
    if case.decision in ("comply", "comply_in_part"):
        criteria = productions.Criteria(kinds=["loans"], card_number=patron.card_number)
        productions.freeze(
            session, director, case, criteria, recipient="Det. Hale", authority="the paper"
        )
    if kind == "exigent":
        with pytest.raises(DomainError, match="officer's paper"):
            service.close(session, director, case, "Released one log.")
        service.attach_document(
            session, director, case, uploads.Scan("followup.pdf", PDF), "follow_up"
        )
    service.close(session, director, case, "Done.")
    session.flush()
    assert case.status == "closed" and not case.is_open
    actions = _actions(session, case)
    assert actions[0] == "case.logged" and "case.routed" in actions and actions[-1] == "case.closed"
    if kind == "nsl":
        assert case.decision_reason == "It is not signed."


def test_director_cannot_decide_before_counsel_advice(client, login_as, session):
    director = login_as("director")
    case = factories.case(session)
    service.assign_counsel(
        session, director, case, factories.user(session, "counsel"), clock.today()
    )
    session.commit()
    response = client.submit(
        f"/cases/{case.public_id}/decision", {"decision": "comply"}, page=f"/cases/{case.public_id}"
    )
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Counsel's advice is not recorded yet, so no decision can be recorded." in html
    session.expire_all()
    assert case.decision is None


def test_exigent_waiver_without_counsels_advice_is_refused(client, login_as, session):
    login_as("director")
    case = factories.case(session, "exigent")
    session.commit()
    data = {
        "counsel_name": "",
        "advised_at": "",
        "advice": "",
        "emergency": "Threat to life",
        "released": "PC log",
    }
    html = unescape(
        client.submit(
            f"/cases/{case.public_id}/exigent-waiver", data, page=f"/cases/{case.public_id}"
        ).get_data(as_text=True)
    )
    assert "the Director may waive process only upon counsel's advice" in html
    session.expire_all()
    assert case.waiver is None and case.decision is None and case.paperwork_due_at is None


def test_exigent_case_stays_open_and_overdue_until_the_officers_paper_is_attached(
    people, session, app_context, app
):
    director = people["director"]
    clock.freeze(factories.at(2026, 11, 2, 15))
    case = factories.case(session, "exigent")
    service.record_exigent_waiver(
        session,
        director,
        case,
        counsel_name="Morgan Reyes",
        advised_at=clock.now(),
        advice="Waive.",
        by_phone=True,
        emergency="Threat",
        released="Log",
    )
    days = app.config["SETTINGS"].exigent_paperwork_days
    assert case.paperwork_due_at == clock.now() + timedelta(days=days)
    assert not deadlines.is_overdue(case)
    clock.freeze(factories.at(2026, 11, 2 + days + 1, 15))
    assert deadlines.is_overdue(case) and case.paperwork_overdue
    with pytest.raises(DomainError, match="stays open until it is"):
        service.close(session, director, case, "Done")
    service.attach_document(session, director, case, uploads.Scan("paper.pdf", PDF), "follow_up")
    assert not deadlines.is_overdue(case)
    service.close(session, director, case, "Paper received.")
    assert not case.is_open


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_the_desk_gets_404_on_a_case_after_routing(role, client, login_as, session):
    clerk = login_as(role)
    case = factories.case(session, clerk=clerk)
    session.commit()
    for url in (f"/cases/{case.public_id}", f"/cases/{case.public_id}/advice", "/cases"):
        assert client.get(url).status_code == 404
    assert client.get(f"/cases/receipts/{case.public_id}").status_code == 200


def test_counsel_gets_404_on_a_case_not_assigned_to_them(client, login_as, session):
    director = factories.user(session, "director")
    other_counsel = factories.user(session, "counsel")
    case = factories.case(session)
    document = uploads.Scan("s.pdf", PDF)
    with client.application.app_context():
        service.attach_document(session, director, case, document, "legal_process")
    service.assign_counsel(session, director, case, other_counsel, clock.today())
    login_as("counsel")
    session.commit()
    doc_id = case.documents[0].id
    for url in (
        f"/cases/{case.public_id}",
        f"/cases/{case.public_id}/advice",
        f"/cases/{case.public_id}/documents/{doc_id}",
    ):
        assert client.get(url).status_code == 404
    assert case.reference not in client.get("/cases/reviews").get_data(as_text=True)


def test_assigned_counsel_reads_the_case_and_records_advice_with_the_checklist(
    client, login_as, session
):
    director = factories.user(session, "director")
    counsel = login_as("counsel")
    case = factories.case(session)
    service.assign_counsel(session, director, case, counsel, clock.today() + timedelta(days=3))
    session.commit()
    assert case.reference in client.get("/cases/reviews").get_data(as_text=True)
    assert client.get(f"/cases/{case.public_id}").status_code == 200
    data = {
        "advice": "Not signed by the judge.",
        "recommendation": "refuse",
        "competent_court": "y",
        "good_cause": "y",
        "proper_form": "y",
        "in_date": "y",
        "within_jurisdiction": "y",
    }
    assert client.submit(f"/cases/{case.public_id}/advice", data).status_code == 302
    session.expire_all()
    advice = case.latest_advice
    assert (
        advice.recommendation == "refuse"
        and advice.defects == ["Signed"]
        and case.status == "advice_recorded"
    )
    service.decide(session, director, case, "refuse_improper")
    assert case.decision_reason == "It is not signed."


def test_the_administrator_sees_no_case(client, login_as, session):
    case = factories.case(session)
    login_as("admin")
    for url in (
        f"/cases/{case.public_id}",
        "/cases",
        f"/cases/receipts/{case.public_id}",
        "/cases/reviews",
    ):
        assert client.get(url).status_code == 404


def test_every_view_of_a_case_page_writes_an_audit_event_without_personal_data(
    client, login_as, session
):
    director = login_as("director")
    case = factories.case(session, officer_name="Det. Quinn Rossi", patron_cards=["29000000000077"])
    session.commit()
    before = session.scalar(select(func.count()).where(AuditEvent.case_id == case.id))
    html = client.get(f"/cases/{case.public_id}").get_data(as_text=True)
    client.get(f"/cases/{case.public_id}")
    assert session.scalar(select(func.count()).where(AuditEvent.case_id == case.id)) == before + 2
    views = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.viewed")).all()
    assert {v.actor_user_id for v in views} == {director.id}
    assert "Timeline" in html and "Logged at the desk" in html and "Routed to the Director" in html
    details = " ".join(
        session.scalars(select(AuditEvent.detail).where(AuditEvent.case_id == case.id))
    )
    assert "Rossi" not in details and "29000000000077" not in details


def test_queue_puts_urgent_kinds_first_and_marks_overdue(client, login_as, session):
    login_as("director")
    clock.freeze(factories.at(2026, 11, 10, 15))
    subpoena = factories.case(session, "subpoena", return_date=clock.today() + timedelta(days=2))
    late = factories.case(session, "court_order", return_date=clock.today() + timedelta(days=1))
    warrant = factories.case(session, "search_warrant")
    clock.freeze(factories.at(2026, 11, 12, 15))
    session.commit()
    html = client.get("/cases").get_data(as_text=True)
    order = [html.index(f">{c.reference}<") for c in (warrant, late, subpoena)]
    assert order == sorted(order)
    row = html[html.index(f">{late.reference}<") : html.index(f">{subpoena.reference}<")]
    assert "Overdue" in row


def test_the_queue_shows_open_cases_a_page_at_a_time_most_urgent_first(client, login_as, session):
    login_as("director")
    clock.freeze(factories.at(2026, 11, 10, 15))
    warrant = factories.case(session, "search_warrant")
    others = [factories.case(session, "subpoena") for _ in range(25)]
    session.commit()
    first = client.get("/cases").get_data(as_text=True)
    assert f">{warrant.reference}<" in first and "page 1 of 2" in first
    assert sum(f">{c.reference}<" in first for c in others) == 24
    second = client.get("/cases?page=2").get_data(as_text=True)
    assert f">{warrant.reference}<" not in second and "page 2 of 2" in second
    assert sum(f">{c.reference}<" in second for c in others) == 1


def test_gagged_case_is_invisible_outside_its_circle_and_its_timeline_too(session, app_context):
    director = factories.user(session, "director")
    counsel, named = factories.user(session, "counsel"), factories.user(session, "supervisor")
    case = factories.case(session, "fisa_order")
    assert load_case(session, counsel, case.id) is None
    assert queries.timeline(session, counsel, case.id) == []
    assert queries.open_queue(session, counsel) == []
    session.add(CaseMember(case_id=case.id, user_id=named.id, added_by_id=director.id))
    session.flush()
    assert load_case(session, named, case.id) is case
    assert len(queries.timeline(session, director, case.id)) >= 2


def test_assigning_counsel_on_a_gagged_case_tells_counsel_nothing(session):
    from disclosure.notify.models import Notification

    director, counsel = factories.user(session, "director"), factories.user(session, "counsel")
    case = factories.case(session, "nsl")
    service.assign_counsel(session, director, case, counsel, clock.today())
    note = session.scalar(select(Notification).where(Notification.recipient_id == counsel.id))
    assert note.subject == "A restricted matter needs your attention. Sign in to view it."


def test_acting_director_gets_the_notification_and_opens_the_case(client, login_as, session):
    from disclosure.notify.models import Notification

    director = factories.user(session, "director")
    acting = factories.user(session, "supervisor")
    factories.acting_director(session, director, acting, days=2)
    case = factories.case(session, "subpoena")
    recipients = set(
        session.scalars(select(Notification.recipient_id).where(Notification.case_id == case.id))
    )
    assert recipients == {director.id, acting.id}
    login_as("supervisor", acting)
    assert client.get(f"/cases/{case.public_id}").status_code == 200


def test_closed_case_can_be_reopened_with_a_reason(people, session):
    director = people["director"]
    case = factories.case(session, "preservation")
    service.close(session, director, case, "Hold placed and later released.")
    with pytest.raises(DomainError, match="Say why"):
        service.reopen(session, director, case, "")
    service.reopen(session, director, case, "The agency came back with a court order.")
    assert case.is_open and case.status == "with_director"
    assert _actions(session, case)[-2:] == ["case.closed", "case.reopened"]


def test_attaching_a_court_order_marks_it_received(people, session, app_context):
    case = factories.case(session, "preservation")
    assert not case.court_order_received
    service.attach_document(
        session, people["director"], case, uploads.Scan("order.pdf", PDF), "court_order"
    )
    assert case.court_order_received


def test_director_home_lists_the_queue_most_urgent_first(client, login_as, session):
    login_as("director")
    subpoena = factories.case(session, "subpoena")
    nsl = factories.case(session, "nsl")
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert html.index(f">{nsl.reference}<") < html.index(f">{subpoena.reference}<")


def test_counsel_home_lists_assigned_reviews_with_due_dates(client, login_as, session):
    director = factories.user(session, "director")
    counsel = login_as("counsel")
    case = factories.case(session)
    service.assign_counsel(session, director, case, counsel, factories.at(2030, 1, 15).date())
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert case.reference in html and "15 Jan 2030" in html


def test_document_is_served_only_through_the_checked_route(client, login_as, session):
    director = login_as("director")
    case = factories.case(session)
    session.commit()
    response = client.submit(
        f"/cases/{case.public_id}/documents",
        {"kind": "legal_process", "scan": (BytesIO(PDF), "s.pdf")},
        page=f"/cases/{case.public_id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    session.expire_all()
    doc = case.documents[0]
    served = client.get(f"/cases/{case.public_id}/documents/{doc.public_id}")
    assert served.status_code == 200 and served.data == PDF and served.mimetype == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/static/{doc.stored_name}").status_code == 404
    assert "case.document_viewed" in _actions(session, case)
    assert director.id


@pytest.mark.parametrize("recommendation", sorted(service.RECOMMENDATION_LABELS))
def test_counsel_can_record_every_recommendation_on_either_database(session, recommendation):
    director, counsel = factories.user(session, "director"), factories.user(session, "counsel")
    case = factories.case(session)
    service.assign_counsel(session, director, case, counsel, clock.today() + timedelta(days=7))
    service.record_advice(
        session, counsel, case, advice="Advice.", recommendation=recommendation, checklist={}
    )
    session.commit()  # PostgreSQL checks the column's length here
    assert case.latest_advice.recommendation == recommendation
