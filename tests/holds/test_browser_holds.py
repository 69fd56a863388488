"""A real browser: the Director places a hold from a case, sees what it covers, and the purge
history, retention settings and the public schedule read well."""

import pytest
from playwright.sync_api import expect

from disclosure.db import db
from tests import browsing
from tests import factories as f
from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_the_director_places_a_hold_and_reads_the_retention_pages(live_server, page, backend):
    base_url, app = live_server
    assert (
        app.test_cli_runner().invoke(args=["demo", "--scale", "0.01", "--no-cases"]).exit_code == 0
    )
    with db.new_session(app) as s:
        case = f.held_case(s, officer_agency="Jefferson County Sheriff's Office")
        patron = f.patron(s)
        f.loan(s, patron, days_ago=100, returned_days_ago=90)
        f.computer_session(s, patron_obj=patron, days_ago=1)
        s.commit()
        case_id, card = case.public_id, patron.card_number
    browsing.sign_in(page, base_url, "director")

    page.goto(f"{base_url}/holds/new?case={case_id}")
    page.get_by_label("Who asked for it").fill("Det. R. Vance, Jefferson County Sheriff")
    page.get_by_label("Loans (circulation history)").check()
    page.get_by_label("Computer sign-up and session logs").check()
    page.get_by_label("Patrons (library card numbers)").fill(card)
    screenshot(page, "hold-new", backend)
    page.get_by_role("button", name="Place the hold").click()
    assert page.locator("h1").inner_text().startswith("Hold for case")
    assert "Hold placed. It covers now: 1 × loans" in page.locator(".flash").inner_text()
    screenshot(page, "hold-detail", backend)

    page.get_by_label("Additional days").fill("120")
    page.get_by_label("Who asked for the renewal").fill("Det. R. Vance")
    page.get_by_role("button", name="Renew the hold").click()
    assert "180 days in all" in page.locator("#days-error").inner_text()
    screenshot(page, "hold-renew-refused", backend)

    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    page.goto(f"{base_url}/holds")
    screenshot(page, "holds-index", backend)
    page.goto(f"{base_url}/retention/purges")
    expect(page.locator("body")).to_contain_text("Kept because of holds")
    screenshot(page, "purge-history", backend)
    page.goto(f"{base_url}/retention/settings")
    screenshot(page, "retention-settings", backend)
    page.goto(f"{base_url}/")
    screenshot(page, "director-home-holds", backend)
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base_url}/retention")
    assert page.locator("h1").inner_text() == "How long we keep your records"
    screenshot(page, "retention-public", backend)
