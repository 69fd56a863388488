"""The patron's choices (docs/rules.md R-patron-choices): remove the e-mail address at once;
ask for a correction, a task for staff. A record under a hold is not changed: "cannot be
changed now"."""

from __future__ import annotations

import importlib.util

import pytest
from sqlalchemy import select

from disclosure.patrons.models import CorrectionRequest
from disclosure.patrons.service import CANNOT_CHANGE_NOW
from tests import factories
from tests.patrons.steps import sign_in_patron

HOLDS = importlib.util.find_spec("disclosure.holds") is not None


def test_a_patron_removes_their_email_address_at_once(client, session):
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    asked = client.submit("/patron/email/remove", {}, page="/patron").get_data(as_text=True)
    assert "Remove your e-mail address?" in asked and patron.email in asked  # asked once
    session.refresh(patron)
    assert patron.email is not None  # nothing removed before the patron says yes
    response = client.submit(
        "/patron/email/remove", {"confirmed": "yes"}, page="/patron", follow_redirects=True
    )
    assert "Your e-mail address has been removed" in response.get_data(as_text=True)
    session.refresh(patron)
    assert patron.email is None


@pytest.mark.skipif(not HOLDS, reason="needs the holds area (disclosure.holds) merged")
def test_email_removal_under_a_hold_is_refused(client, session):
    patron = factories.patron(session)
    # a hold of a gagged matter: the refusal must not hint at it
    gagged = factories.case_row(session, kind="nsl", closed=False, gagged=True)
    factories.hold(
        session, gagged, categories=("patrons",), patrons=[patron]
    )  # the holds area's factory
    session.commit()
    sign_in_patron(client, patron)
    html = client.submit(
        "/patron/email/remove", {"confirmed": "yes"}, page="/patron", follow_redirects=True
    ).get_data(as_text=True)
    # refused, and never told why: no word of a hold or a preservation (the page's own "what the
    # library holds" is the ordinary verb)
    page = html.lower()
    assert (
        CANNOT_CHANGE_NOW in html
        and "preserv" not in page
        and " hold " not in page
        and "a hold" not in page
    )
    session.refresh(patron)
    assert patron.email is not None


def test_a_correction_request_becomes_a_task_for_staff(app, client, session, login_as):
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    client.submit("/patron/correction", {"details": "My address is now 14 Oak St, Hillsboro."})
    assert "staff will check it" in client.get("/patron").get_data(as_text=True)
    desk = app.test_client()
    login_as("staff", the_client=desk)
    queue = desk.get("/desk/patron-requests").get_data(as_text=True)
    assert "14 Oak St" in queue and patron.card_number in queue
    correction = session.scalar(
        select(CorrectionRequest).where(CorrectionRequest.patron_id == patron.id)
    )
    desk.submit(
        f"/desk/corrections/{correction.id}/done",
        {"staff_note": "Address updated"},
        page="/desk/patron-requests",
    )
    session.refresh(correction)
    assert correction.done_at is not None and correction.staff_note == "Address updated"
    assert "14 Oak St" not in desk.get("/desk/patron-requests").get_data(as_text=True)
