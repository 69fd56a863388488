"""Patrons set their own PIN (docs/rules.md R-patron-sets-own-pin): at the desk after the ID
check, on a page for the patron that staff never see the PIN on; or by a one-time e-mailed link
that lasts 24 hours and works once."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from disclosure import clock
from disclosure.audit.models import AuditEvent
from disclosure.patrons.models import PatronEmail, PinLink
from tests import factories
from tests.patrons.steps import sign_in_patron

NEW_PIN = "482916"


def _desk(app, login_as):
    desk = app.test_client()
    login_as("staff", the_client=desk)
    return desk


def test_at_the_desk_the_patron_types_the_pin_twice_and_staff_never_see_it(
    app, client, session, login_as
):
    patron = factories.patron(session, pin_hash=None)
    session.commit()
    desk = _desk(app, login_as)
    refused = desk.submit("/desk/patron-pin", {"card_number": patron.card_number, "how": "screen"})
    assert "Choose the kind of photo ID you saw." in refused.get_data(as_text=True)
    started = desk.submit(
        "/desk/patron-pin",
        {"card_number": patron.card_number, "how": "screen", "id_kind": "state_id"},
    )
    page_url = started.headers["Location"]
    assert page_url.startswith("/pin/")
    page = desk.get(page_url).get_data(as_text=True)
    assert "Set your PIN" in page and patron.card_number not in page
    mismatch = desk.submit(page_url, {"pin": NEW_PIN, "pin_again": "482917"}, page=page_url)
    assert "The two PINs are not the same." in mismatch.get_data(as_text=True)
    done = desk.submit(page_url, {"pin": NEW_PIN, "pin_again": NEW_PIN}, page=page_url)
    assert done.status_code == 302
    session.refresh(patron)
    assert patron.pin_hash and NEW_PIN not in patron.pin_hash  # hashed at once
    # the link worked once
    assert desk.get(page_url).status_code == 404
    # the patron signs in with it
    assert sign_in_patron(client, patron, pin=NEW_PIN).headers["Location"].endswith("/patron")
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == patron.id)
    ).all()
    assert "patron.pin_set_started" in events and "patron.pin_set" in events
    details = " ".join(e.detail or "" for e in session.scalars(select(AuditEvent)).all())
    assert NEW_PIN not in details


def test_a_patron_with_an_email_gets_a_one_time_link_valid_24_hours(app, client, session, login_as):
    patron = factories.patron(session)
    session.commit()
    desk = _desk(app, login_as)
    sent = desk.submit("/desk/patron-pin", {"card_number": patron.card_number, "how": "email"})
    assert sent.status_code == 302
    email = session.scalar(select(PatronEmail).where(PatronEmail.patron_id == patron.id))
    assert email.message == "set_pin" and re.fullmatch(r"/pin/[A-Za-z0-9_-]{40,}", email.link)
    token = email.link.removeprefix("/pin/")
    link = session.scalar(select(PinLink).where(PinLink.patron_id == patron.id))
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()  # only the hash kept
    assert link.expires_at - link.created_at == timedelta(hours=24)

    clock.freeze(link.created_at + timedelta(hours=24, minutes=1))
    assert client.get(email.link).status_code == 404  # expired
    clock.freeze(link.created_at + timedelta(hours=23))
    assert client.get(email.link).status_code == 200
    client.submit(email.link, {"pin": NEW_PIN, "pin_again": NEW_PIN})
    assert client.get(email.link).status_code == 404  # used
    assert sign_in_patron(client, patron, pin=NEW_PIN).status_code == 302


def test_no_email_link_for_a_card_without_an_address_and_no_short_pin(
    app, client, session, login_as
):
    patron = factories.patron(session, email=None)
    session.commit()
    desk = _desk(app, login_as)
    refused = desk.submit("/desk/patron-pin", {"card_number": patron.card_number, "how": "email"})
    assert "This card has no e-mail address" in refused.get_data(as_text=True)
    started = desk.submit(
        "/desk/patron-pin",
        {"card_number": patron.card_number, "how": "screen", "id_kind": "passport"},
    )
    page_url = started.headers["Location"]
    short = desk.submit(page_url, {"pin": "12", "pin_again": "12"}, page=page_url)
    assert "A PIN is 4 to 12 digits." in short.get_data(as_text=True)
    assert client.get("/pin/not-a-token").status_code == 404


def _ask_for_link(app, card_number: str):
    """Ask for a PIN link from the portal in a browser of its own; the page it lands on."""
    browser = app.test_client()
    asked = browser.submit("/patron/pin-link", {"card_number": card_number})
    return asked.status_code, asked.headers.get("Location"), browser.get("/patron/login")


def test_a_patron_asks_from_the_sign_in_page_for_a_link_to_set_their_pin(app, client, session):
    patron = factories.patron(session, pin_hash=None)
    session.commit()
    assert "/patron/pin-link" in client.get("/patron/login").get_data(as_text=True)
    status, location, _ = _ask_for_link(app, patron.card_number)
    assert (status, location) == (302, "/patron/login")
    email = session.scalar(select(PatronEmail).where(PatronEmail.patron_id == patron.id))
    assert email.message == "set_pin" and re.fullmatch(r"/pin/[A-Za-z0-9_-]{40,}", email.link)
    assert patron.card_number not in email.link
    client.submit(email.link, {"pin": NEW_PIN, "pin_again": NEW_PIN})
    assert sign_in_patron(client, patron, pin=NEW_PIN).headers["Location"].endswith("/patron")
    [event] = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "patron.pin_link_sent", AuditEvent.object_id == patron.id
        )
    ).all()
    assert event.detail == "asked=portal"


def test_the_answer_is_the_same_whether_or_not_the_card_exists_or_has_an_email(app, session):
    with_email = factories.patron(session)
    without_email = factories.patron(session, email=None)
    session.commit()
    answers = []
    for card in (with_email.card_number, without_email.card_number, "29999000000000"):
        status, location, page = _ask_for_link(app, card)
        shown = page.get_data(as_text=True)
        assert "If that card has an e-mail address on file" in shown
        answers.append((status, location, page.status_code))
    assert len(set(answers)) == 1
    sent = session.scalars(select(PatronEmail.patron_id)).all()
    assert sent == [with_email.id]


def test_asking_again_soon_sends_no_second_link(app, session):
    patron = factories.patron(session)
    session.commit()
    _ask_for_link(app, patron.card_number)
    _ask_for_link(app, patron.card_number)
    assert len(session.scalars(select(PinLink).where(PinLink.patron_id == patron.id)).all()) == 1
    for expected in (2, 3, 3):  # at most three a day
        clock.freeze(clock.now() + timedelta(minutes=16))
        _ask_for_link(app, patron.card_number)
        links = session.scalars(select(PinLink).where(PinLink.patron_id == patron.id)).all()
        assert len(links) == expected
