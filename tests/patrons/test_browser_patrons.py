"""A real browser: a patron signs in and asks for their records; staff check photo ID; the
patron downloads the PDF, which is turned into PNG pages under tests/artifacts/ to look at."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from disclosure.db import db
from tests import factories
from tests.conftest import ARTIFACTS, screenshot
from tests.patrons.steps import run_queued_work

pytestmark = pytest.mark.browser


def _library(app):
    session = db.new_session(app)
    patron = factories.patron_with_every_kind(
        session, name="Jordan Ellis", email="jordan.ellis@example.org"
    )
    case = factories.case_row(session)
    factories.production(
        session,
        case,
        [("loans", patron.id), ("loans", patron.id), ("computer_sessions", patron.id)],
    )
    staff = factories.user(session, "staff")
    session.commit()
    session.close()
    return patron, staff


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_a_patron_asks_staff_verify_and_the_patron_downloads_the_pdf(live_server, page, backend):
    base, app = live_server
    patron, staff = _library(app)

    page.goto(f"{base}/patron/login")
    screenshot(page, "patron-login", backend)
    page.get_by_label("Library card number").fill(patron.card_number)
    page.get_by_label("PIN").fill(factories.PIN)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == "Your library records"
    page.get_by_role("link", name="Ask for my records").click()
    screenshot(page, "patron-ask", backend)
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator("body")).to_contain_text("Next: show photo ID at any branch desk")
    screenshot(page, "patron-request-waiting", backend)
    _sign_out(page)

    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patron requests").click()
    screenshot(page, "desk-queue", backend)
    page.get_by_role("link", name="PR-00001").click()
    page.get_by_label("Driver's license").check()
    page.get_by_label("I saw the ID in person and it matches the person asking").check()
    screenshot(page, "desk-verify", backend)
    page.get_by_role("button", name="ID checked: compile the report").click()
    expect(page.locator("body")).to_contain_text("The report is being compiled")
    run_queued_work(app)  # the scheduler's turn; the page, polling, then reloads by itself
    page.get_by_text("Report compiled", exact=True).wait_for()
    screenshot(page, "desk-verified", backend)
    _sign_out(page)

    page.goto(f"{base}/patron/login")
    page.get_by_label("Library card number").fill(patron.card_number)
    page.get_by_label("PIN").fill(factories.PIN)
    page.get_by_role("button", name="Sign in").click()
    screenshot(page, "patron-home-ready", backend)
    page.get_by_role("link", name="PR-00001").first.click()
    screenshot(page, "patron-request-ready", backend)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    pdf_path = ARTIFACTS / f"patron-report-{backend}.pdf"
    download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")

    if shutil.which("pdftoppm"):
        for old in ARTIFACTS.glob(f"patron-report-{backend}-page-*.png"):
            old.unlink()
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                str(pdf_path),
                str(ARTIFACTS / f"patron-report-{backend}-page"),
            ],
            check=True,
        )
        assert list(ARTIFACTS.glob(f"patron-report-{backend}-page-*.png"))
