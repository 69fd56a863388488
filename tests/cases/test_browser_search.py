"""A real browser: the Director finds a case by its docket number from the search box; counsel
not assigned to it, typing the same, finds nothing (cases.visibility decides)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from disclosure.db import db
from tests import browsing, factories
from tests.conftest import screenshot

pytestmark = pytest.mark.browser
DOCKET = "26JE-CR01302"  # the demo's subpoena with counsel (disclosure/demo.py)


def _search(page, typed: str) -> None:
    box = page.get_by_role("searchbox", name="Search cases")
    box.fill(typed)
    box.press("Enter")
    page.wait_for_selector("h2#results")


def test_the_director_finds_a_case_by_docket_and_unassigned_counsel_finds_nothing(
    live_server, page, backend
):
    base_url, app = live_server
    result = app.test_cli_runner().invoke(args=["demo", "--scale", "0.01"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        outsider = factories.user(db.session, "counsel").username
        db.session.commit()

    browsing.sign_in(page, base_url, "director")
    _search(page, DOCKET.lower())
    assert page.locator("h2#results").inner_text() == "1 case found"
    row = page.locator("table.case-list tbody tr")
    assert DOCKET in row.inner_text()
    assert "/search" in page.url and DOCKET.lower() not in page.url.lower()
    screenshot(page, "search-director", backend)
    row.get_by_role("link").first.click()
    assert page.locator("h1").inner_text().startswith("Case ")
    assert DOCKET in page.inner_text("main")

    page.get_by_role("link", name="All cases").click()
    assert page.locator("h1").inner_text() == "All cases"
    page.get_by_label("Status").select_option(label="Counsel review")
    page.get_by_role("button", name="Show").click()
    assert DOCKET in page.inner_text("table.case-list")
    screenshot(page, "archive-director", backend)
    page.get_by_role("button", name="Sign out").click()

    browsing.sign_in(page, base_url, outsider, factories.PASSWORD)
    _search(page, DOCKET)
    assert page.locator("h2#results").inner_text() == "0 cases found"
    assert DOCKET not in page.inner_text("main")
    expect(page.get_by_text("No case you may see matches.")).to_be_visible()
    screenshot(page, "search-counsel-nothing", backend)
