"""A real browser: the Director's dashboard and the letter editor, screenshotted to look at."""

from __future__ import annotations

from datetime import timedelta

import pytest

from disclosure import clock
from disclosure.db import db
from tests import browsing, factories
from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_the_director_sees_the_dashboard_and_writes_a_letter(live_server, page, backend):
    base_url, app = live_server
    result = app.test_cli_runner().invoke(args=["demo", "--scale", "0.01"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session
        clerk = factories.user(session, "staff")
        now = clock.now()
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
        case_id = case.id
    browsing.sign_in(page, base_url, "director")
    assert page.locator("h1").inner_text() == "Director's desk"
    assert page.get_by_role("heading", name="Deadlines this week").is_visible()
    assert page.locator("text=Overdue").first.is_visible()
    screenshot(page, "dashboard-director", backend)

    page.goto(f"{base_url}/documents/case/{case_id}")
    page.get_by_label("Letter").select_option("proper_process_required")
    page.get_by_role("button", name="Start a draft").click()
    assert page.get_by_label("Letter text").input_value().startswith("Dear Det. Maria Alvarez:")
    screenshot(page, "letter-editor", backend)
    page.get_by_role("button", name="Make final").click()
    assert page.locator("text=Final.").first.is_visible()
    screenshot(page, "case-documents", backend)
