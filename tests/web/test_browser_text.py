"""In a real browser, typed text keeps to its place: a long unbroken string wraps inside the
page, and a direction override stored in a record does not reverse the officer's words."""

from __future__ import annotations

import pytest

from disclosure.db import db
from tests import browsing, factories
from tests.conftest import screenshot

pytestmark = pytest.mark.browser
UNBROKEN = "HTTPS://EXAMPLE.INVALID/" + "A1B2C3D4" * 40  # 344 characters, no place to break


def test_a_long_unbroken_string_wraps_inside_the_case_page(live_server, page, backend):
    base_url, app = live_server
    with app.app_context():
        director = factories.user(db.session, "director")
        case = factories.case(
            db.session,
            officer_name="Det. " + UNBROKEN[:100],
            officer_agency=UNBROKEN[:200],
            records_sought=UNBROKEN,
            patron_cards=[UNBROKEN[:32]],
        )
        db.session.commit()
        username, case_id = director.username, case.public_id
    browsing.sign_in(page, base_url, username, factories.PASSWORD)
    for path in (f"/cases/{case_id}", "/cases"):
        page.goto(base_url + path)
        assert UNBROKEN[:60] in page.inner_text("main")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"{path} is {width} px wide in a 1280 px window"
        screenshot(page, f"long-unbroken-string{path.replace('/', '-')}", backend)


def test_a_stored_override_does_not_reverse_the_officers_words(live_server, page, backend):
    base_url, app = live_server
    with app.app_context():
        director = factories.user(db.session, "director")
        case = factories.case(db.session, officer_name="Det. \u202eJordan Hale")
        db.session.commit()
        username, case_id = director.username, case.public_id
    browsing.sign_in(page, base_url, username, factories.PASSWORD)
    page.goto(f"{base_url}/cases/{case_id}")
    officer = page.locator("dt:text-is('Officer') + dd")
    assert "\u202e" not in officer.evaluate("el => el.textContent")
    # where the browser draws the J of Jordan and the H of Hale: reversed text puts H first
    x_of = """(el, letter) => {
        const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) {
            const at = walk.currentNode.data.indexOf(letter);
            if (at >= 0) {
                const range = document.createRange();
                range.setStart(walk.currentNode, at); range.setEnd(walk.currentNode, at + 1);
                return range.getBoundingClientRect().left;
            }
        }
    }"""
    assert officer.evaluate(x_of, "J") < officer.evaluate(x_of, "H")
    screenshot(page, "override-neutralised", backend)
