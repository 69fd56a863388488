"""The desk card (the intake page's words on one page) and the receipt PDF of what a clerk
logged."""

from __future__ import annotations

import re

from disclosure import clock
from disclosure.cases.guidance import GUIDANCE
from disclosure.documents.models import Document
from disclosure.pdf import sha256
from tests import factories
from tests.documents.helpers import page_count, pdf_text, save_png


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_desk_card_carries_every_kind_of_visit_in_the_intake_words_on_one_page(
    client, login_as, session, backend
):
    factories.user(session, "director", full_name="Dana Whitfield", phone="(636) 555-0199")
    login_as("staff")
    response = client.get("/documents/desk-card.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    save_png(response.data, "desk-card", backend)
    assert page_count(response.data) == 1
    text = pdf_text(response.data)
    assert "Release nothing at the desk." in text and "Dana Whitfield, (636) 555-0199" in text
    for guide in GUIDANCE:  # the same words as the intake page: cases/guidance.py
        assert _words(guide.title) in text, guide.kind
        for step in guide.steps:
            assert _words(step) in text, (guide.kind, step)


def test_desk_card_is_linked_from_the_intake_page(client, login_as):
    login_as("staff")
    assert "/documents/desk-card.pdf" in client.get("/cases/new").get_data(as_text=True)


def test_clerk_prints_the_receipt_of_what_they_logged(client, login_as, session, backend):
    clock.freeze(factories.at(2026, 3, 9, 15))
    clerk = login_as("staff")
    case = factories.case(session, "subpoena", clerk=clerk, officer_name="Det. Jordan Hale")
    session.commit()
    page = client.get(f"/cases/receipts/{case.public_id}").get_data(as_text=True)
    assert f"/documents/receipts/{case.public_id}.pdf" in page
    response = client.get(f"/documents/receipts/{case.public_id}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    save_png(response.data, "receipt", backend)
    assert case.reference in text and "Subpoena" in text and "9 Mar 2026, 10:00 a.m." in text
    assert (
        "The Director will contact you." in text
        and "Det. Jordan Hale" in text
        and clerk.full_name in text
    )
    kept = session.query(Document).filter_by(case_id=case.id, kind="receipt").one()
    assert kept.is_final and kept.sha256 == sha256(response.data)
    # printed again: the kept copy, not a second one
    assert client.get(f"/documents/receipts/{case.public_id}.pdf").data == response.data
    assert session.query(Document).filter_by(case_id=case.id, kind="receipt").count() == 1


def test_a_gagged_receipt_says_only_what_the_desk_may_know(client, login_as, session):
    clerk = login_as("staff")
    case = factories.case(session, "nsl", clerk=clerk, officer_name="Special Agent Reyes")
    session.commit()
    text = pdf_text(client.get(f"/documents/receipts/{case.public_id}.pdf").data)
    assert case.reference in text and "National Security Letter" in text
    assert "Special Agent Reyes" not in text


def test_nobody_else_gets_a_clerks_receipt(client, login_as, session, app):
    case = factories.case(session, "subpoena")
    session.commit()
    login_as("staff")  # another clerk
    assert client.get(f"/documents/receipts/{case.public_id}.pdf").status_code == 404


def test_the_desk_card_does_not_send_the_clerk_below_for_a_number_printed_above(
    client, login_as, session
):
    factories.user(session, "director", phone="(636) 555-0199")
    login_as("staff")
    text = pdf_text(client.get("/documents/desk-card.pdf").data)
    assert "numbers below" not in text
    assert "the number is on this page" in text and "(636) 555-0199" in text
