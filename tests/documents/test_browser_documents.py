"""A real browser: the Director's dashboard and the letter editor, screenshotted to look at."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from disclosure import clock
from disclosure.db import db
from tests import browsing, factories
from tests.conftest import screenshot
from tests.documents.helpers import pdf_text

pytestmark = pytest.mark.browser


def test_the_director_sees_the_dashboard_and_writes_a_letter(live_server, page, backend):
    base_url, app = live_server
    result = app.test_cli_runner().invoke(args=["demo", "--scale", "0.01"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session
        clerk = factories.user(session, "staff")
        now = clock.now()
        # numbered where the demo's own (random) numbers are not (factories.free_case_number)
        for days_ago, kind, due in (
            (2, "subpoena", 3),
            (40, "informal", None),
            (75, "court_order", 5),
            (130, "exigent", None),
            (200, "subpoena", -1),
            (320, "search_warrant", None),
        ):
            factories.documents_case(
                session,
                received_by=clerk,
                kind=kind,
                received_at=now - timedelta(days=days_ago),
                return_date=(clock.today() + timedelta(days=due)) if due is not None else None,
            )
        case = factories.documents_case(
            session,
            received_by=clerk,
            kind="informal",
            court=None,
            docket_number=None,
            issued_on=None,
            return_date=None,
        )
        session.commit()
        case_id = case.public_id
    browsing.sign_in(page, base_url, "director")
    assert page.locator("h1").inner_text() == "Director's desk"
    expect(page.get_by_role("heading", name="Deadlines this week")).to_be_visible()
    expect(page.locator("text=Overdue").first).to_be_visible()
    screenshot(page, "dashboard-director", backend)

    page.goto(f"{base_url}/documents/case/{case_id}")
    page.get_by_label("Letter").select_option("proper_process_required")
    page.get_by_role("button", name="Start a draft").click()
    assert page.get_by_label("Letter text").input_value().startswith("Dear Det. Maria Alvarez:")
    screenshot(page, "letter-editor", backend)
    # typed, never saved by hand: "Make final" saves it, shows the final letter, then keeps it
    document_id = page.url.rstrip("/").split("/")[-2]  # its public id
    typed = "We will keep these records safe until your subpoena arrives."
    letter = page.get_by_label("Letter text")
    letter.fill(letter.input_value() + "\n\n" + typed)
    page.get_by_role("button", name="Make final").click()
    assert page.locator("h1").inner_text() == "Make this letter final?"
    expect(page.locator("iframe.final-letter-frame")).to_be_visible()
    screenshot(page, "letter-make-final", backend)
    page.get_by_role("button", name="Make final").click()
    expect(page.locator("text=Final.").first).to_be_visible()
    screenshot(page, "case-documents", backend)
    kept = page.context.request.get(f"{base_url}/documents/{document_id}.pdf")
    assert typed in pdf_text(kept.body())
