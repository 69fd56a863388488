"""On a phone (390 px wide): tables read as cards with every column's name, nothing is wider than
the screen, the menu folds behind one button that the keyboard can open and close, and a desk
form's errors are the first thing shown. Screenshots under tests/artifacts/ are for looking at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from disclosure.cases.models import Case
from disclosure.db import db
from tests import browsing
from tests.conftest import ARTIFACTS, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _labels(page, table: str) -> set[str]:
    """The column names a person sees on the cells of `table` (their ::before)."""
    return set(
        page.eval_on_selector_all(
            f"{table} tbody td[data-label]",
            "cells => cells.map(c => getComputedStyle(c, '::before').content.replace(/\"/g, ''))",
        )
    )


def _first_screen(page, name: str, backend: str) -> None:
    """What a person sees first, without scrolling (beside the full-page screenshot)."""
    screenshot(page, name, backend)
    page.screenshot(path=str(ARTIFACTS / f"{name}-first-screen-{backend}.png"))


def _phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_a_phone_shows_cards_a_folded_menu_and_errors_first(live_server, browser, backend):
    base, app = live_server
    assert app.test_cli_runner().invoke(args=["demo", "--scale", "0.01"]).exit_code == 0
    with app.app_context():
        case_id = db.session.scalar(select(Case.public_id).order_by(Case.id))
        db.session.remove()

    context, page = _phone(browser)
    try:
        # the patron's portal: the requests table as cards with Status and "We answer by"
        page.goto(f"{base}/patron/login")
        page.fill("[name=card_number]", "21000000000001")
        page.fill("[name=pin]", "1234")
        page.click("main button[type=submit]")
        page.get_by_role("link", name="Ask for my records").click()
        page.locator("main button[type=submit]").last.click()
        page.goto(f"{base}/patron")
        _no_sideways_scroll(page)
        _first_screen(page, "phone-390-portal", backend)
        labels = _labels(page, "main table.table")
        assert {"Status", "We answer by"} <= labels, labels
        page.locator("button", has_text="Sign out").first.click()
    finally:
        context.close()

    context, page = _phone(browser)
    try:
        browsing.sign_in(page, base, "clerk")
        # the menu: one button; Enter opens it, Escape closes it and gives the focus back
        toggle = page.get_by_role("button", name="Menu")
        toggle.wait_for(state="visible")  # shown by static/js/enhance.js once it has run
        assert not page.locator("#main-nav").is_visible()
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        menu = page.locator("#main-nav")
        expect(menu.get_by_role("link", name="Patron requests")).to_be_visible()
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.textContent") == "Menu"
        # the desk queue: Received and Due named on every card
        page.goto(f"{base}/desk/patron-requests")
        _no_sideways_scroll(page)
        if page.locator("main table.table").count():
            labels = _labels(page, "main table.table")
            assert {"Received", "Due"} <= {re.sub(r"\s+", " ", x).strip() for x in labels}, labels
        # the intake: a warrant sent half filled shows its error summary first, with the focus
        page.goto(f"{base}/cases/new?kind=search_warrant")
        page.get_by_role("button", name="Send to the Director").click()
        page.wait_for_load_state("load")
        assert page.evaluate("document.activeElement.className") == "error-summary"
        assert "Enter when the warrant was executed." in page.inner_text(".error-summary")
        assert page.locator(".error-summary").bounding_box()["y"] < PHONE["height"]
        _no_sideways_scroll(page)
        _first_screen(page, "phone-390-intake", backend)
    finally:
        context.close()

    context, page = _phone(browser)
    try:
        browsing.sign_in(page, base, "director")
        page.goto(f"{base}/cases/{case_id}")
        _no_sideways_scroll(page)
        _first_screen(page, "phone-390-case", backend)
        # printed: the header line says whose page, which case, when, and "Confidential";
        # no menu, no button, no form
        page.set_viewport_size({"width": 800, "height": 1000})
        page.emulate_media(media="print")
        head = page.locator(".print-head")
        assert head.is_visible() and "Confidential" in head.inner_text()
        assert "Printed" in head.inner_text() and "Case 20" in head.inner_text()
        assert not page.get_by_role("button", name="Sign out").is_visible()
        expect(page.locator("main button:visible, main form:visible")).to_have_count(0)
        screenshot(page, "print-case", backend)
    finally:
        context.close()
