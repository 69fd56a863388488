"""The patron's choices (docs/rules.md R-patron-choices): remove the e-mail address at once;
ask for a correction, a task for staff. Under a hold the change takes effect all the same, and
the prior version goes to the preservation store (R-hold-preserved-apart)."""

from __future__ import annotations

import importlib.util

import pytest
from sqlalchemy import select

from disclosure.holds.models import PreservedRecord
from disclosure.holds.preservation import read_content
from disclosure.patrons.models import CorrectionRequest
from tests import factories
from tests.pages import without_tokens
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


def copies_of(session, patron) -> list[PreservedRecord]:
    """The preserved versions of the patron's registration record."""
    return list(
        session.scalars(
            select(PreservedRecord).where(
                PreservedRecord.kind == "patrons", PreservedRecord.original_id == patron.id
            )
        )
    )


@pytest.mark.skipif(not HOLDS, reason="needs the holds area (disclosure.holds) merged")
def test_email_removal_under_a_hold_takes_effect_and_the_hold_keeps_the_prior_version(
    client, session
):
    patron, plain = factories.patron(session), factories.patron(session)
    address = patron.email
    # a hold of a gagged matter: the answer must be the same as without one
    gagged = factories.case_row(session, kind="nsl", closed=False, gagged=True)
    factories.hold(session, gagged, categories=("patrons",), patrons=[patron])
    session.commit()
    pages = []
    for who in (patron, plain):
        the_client = client.application.test_client()
        sign_in_patron(the_client, who)
        html = the_client.submit(
            "/patron/email/remove", {"confirmed": "yes"}, page="/patron", follow_redirects=True
        ).get_data(as_text=True)
        for own in (who.name, who.card_number[-4:], who.address):
            html = html.replace(own, "(theirs)")
        pages.append(without_tokens(html))
    assert "Your e-mail address has been removed" in pages[0]
    assert pages[0] == pages[1]
    session.refresh(patron)
    assert patron.email is None
    [copy] = copies_of(session, patron)
    assert read_content(copy)["email"] == address and copy.why == "email_removed"
    assert copies_of(session, plain) == []


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
