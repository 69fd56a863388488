"""In a real browser: a minute before an unused session ends, the page says so and keeps it."""

import dataclasses

import pytest

from disclosure.db import db
from tests import factories
from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_the_page_warns_a_minute_before_and_stay_signed_in_keeps_the_session(
    live_server, page, backend
):
    base_url, app = live_server
    # 63 seconds without activity: the warning comes after 3
    app.config["SETTINGS"] = dataclasses.replace(app.config["SETTINGS"], staff_idle_minutes=1.05)
    with app.app_context():
        clerk = factories.user(db.session, "staff")
        db.session.commit()
        username = clerk.username
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    warning = page.get_by_role("alertdialog")
    warning.wait_for(state="visible", timeout=10000)
    assert "signed out in one minute" in warning.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
    screenshot(page, "session-warning", backend)
    page.keyboard.press("Enter")
    warning.wait_for(state="hidden", timeout=5000)
    page.reload()
    assert page.locator("h1").inner_text() == "Front desk"
