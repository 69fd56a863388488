"""Withdrawing a patron's request asks why; the reason is kept with the request and shown on its
page, never in the audit trail (docs/rules.md R-no-personal-data-out)."""

from __future__ import annotations

from sqlalchemy import select

from disclosure.audit.models import AuditEvent
from disclosure.patrons import service
from disclosure.patrons.models import PatronRequest
from tests import factories
from tests.patrons.test_consent import PNG


def _waiting(app, session, clerk) -> int:
    with app.app_context():
        card = factories.patron(session).card_number
        # a written request at the desk comes with the patron's signed request, scanned
        return service.log_desk_request(session, clerk, card_number=card, proof="scan", scan=PNG).id


def _page(session, request_id: int) -> str:
    return f"/desk/patron-requests/{session.get(PatronRequest, request_id).public_id}"


def test_withdrawing_a_request_asks_why_and_keeps_the_reason(app, session, client, login_as):
    clerk = factories.user(session, "staff")
    request_id = _waiting(app, session, clerk)
    login_as("staff", clerk)
    page = _page(session, request_id)
    assert "Why is it withdrawn?" in client.get(page).get_data(as_text=True)

    refused = client.submit(f"{page}/withdraw", {"reason": "   "}, page=page)
    assert "Say why the request is withdrawn." in refused.get_data(as_text=True)
    assert session.get(PatronRequest, request_id).status == "awaiting_id"

    reason = "The patron phoned to say they no longer need it."
    response = client.submit(f"{page}/withdraw", {"reason": reason}, page=page)
    assert response.status_code == 302
    session.expire_all()
    asked = session.get(PatronRequest, request_id)
    assert asked.status == "withdrawn" and asked.withdrawn_reason == reason
    assert asked.withdrawn_at is not None
    shown = client.get(page).get_data(as_text=True)
    assert "Withdrawn</dt>" in shown and reason in shown
    event = session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "patron_request.withdrawn", AuditEvent.object_id == request_id
        )
    )
    # who withdrew it is the event's actor; what they typed stays out of the trail
    assert event.actor_user_id == clerk.id and reason not in (event.detail or "")


def test_a_request_withdrawn_once_keeps_its_first_reason(app, session, client, login_as):
    clerk = factories.user(session, "staff")
    request_id = _waiting(app, session, clerk)
    with app.app_context():
        service.withdraw(session, clerk, session.get(PatronRequest, request_id), "first time")
        session.commit()
    login_as("staff", clerk)
    page = _page(session, request_id)
    typed = "Typed a second time, in another tab."
    html = client.submit(f"{page}/withdraw", {"reason": typed}, page=page).get_data(as_text=True)
    assert "Only a request waiting for ID can be withdrawn." in html
    session.expire_all()
    assert session.get(PatronRequest, request_id).withdrawn_reason == "first time"
