"""A real browser walks a subpoena from the desk to closure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from disclosure import clock
from tests import browsing
from tests.conftest import screenshot

pytestmark = pytest.mark.browser
PASSWORD = "demo-password"
CARD = "21000000000001"  # the demo's first patron


def _sign_in(page, base_url, username):
    browsing.sign_in(page, base_url, username, PASSWORD)


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_subpoena_from_the_desk_to_closure_in_a_browser(live_server, page, backend, tmp_path):
    base_url, app = live_server
    # a library with no other open case, so "first in the queue" means this subpoena
    result = app.test_cli_runner().invoke(args=["demo", "--scale", "0.01", "--no-cases"])
    assert result.exit_code == 0, result.output
    scan = tmp_path / "subpoena.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # the clerk logs the subpoena
    _sign_in(page, base_url, "clerk")
    page.get_by_role("link", name="Log an officer's request").first.click()
    page.get_by_label("A subpoena").check()
    screenshot(page, "cases-intake-kind", backend)
    page.get_by_role("button", name="Continue").click()
    assert "lawful to refer you to the Director" in page.inner_text("main")
    page.get_by_label("Officer's name").fill("Det. Jordan Hale")
    page.get_by_label("Badge or ID number").fill("4471")
    page.get_by_label("Agency").fill("Jefferson County Sheriff's Office")
    page.get_by_label("What records did the officer ask for?").fill(
        f"All loans of card {CARD} since September"
    )
    page.get_by_label("Patron card numbers named").fill(CARD)
    page.get_by_label("Court or issuing authority").fill("Circuit Court of Jefferson County")
    page.get_by_label("Docket or case number").fill("26JE-CR00123")
    page.get_by_label("Return date (answer by)").fill(
        (clock.today() + timedelta(days=14)).isoformat()
    )
    page.get_by_label("Scans of the paper").set_input_files(str(scan))
    screenshot(page, "cases-intake-form", backend)
    page.get_by_role("button", name="Send to the Director").click()
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Receipt ")
    reference = heading.removeprefix("Receipt ")
    screenshot(page, "cases-receipt", backend)
    page.goto(f"{base_url}/cases/new?kind=search_warrant")  # what the desk is told for a warrant
    assert "(636) 555-0101" in page.inner_text(
        ".call-now"
    )  # the Director's phone, from the account
    screenshot(page, "cases-intake-warrant", backend)
    _sign_out(page)

    # the Director finds it first in the queue and assigns counsel
    _sign_in(page, base_url, "director")
    screenshot(page, "cases-director-home", backend)
    page.get_by_role("link", name="Cases", exact=True).click()
    first = page.locator("table.case-queue tbody tr").first
    assert reference in first.inner_text()
    screenshot(page, "cases-queue", backend)
    first.get_by_role("link", name=reference).click()
    page.get_by_label("Counsel", exact=True).select_option(label="Morgan Reyes, Esq.")
    page.get_by_label("Advice due by").fill((clock.today() + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Ask counsel to review").click()
    assert "Counsel is asked to review the case." in page.inner_text("main")
    screenshot(page, "cases-detail-assigned", backend)
    _sign_out(page)

    # counsel advises
    _sign_in(page, base_url, "counsel")
    screenshot(page, "cases-counsel-home", backend)
    page.get_by_role("link", name="My reviews").click()
    page.get_by_role("link", name=f"Record advice on {reference}").click()
    for label in (
        "Issued by a court of competent jurisdiction",
        "Shows good cause",
        "In proper form",
        "Signed",
        "In date (not expired)",
        "Within the court's jurisdiction",
    ):
        page.get_by_label(label, exact=True).check()
    page.get_by_label("Comply in part (narrow the request)").check()
    page.get_by_label("Advice to the Director (confidential)").fill(
        "Valid subpoena. Release loans since 1 September only."
    )
    screenshot(page, "cases-advice", backend)
    page.get_by_role("button", name="Record my advice").click()
    assert "Your advice is recorded" in page.inner_text("main")
    _sign_out(page)

    # the Director decides, records a production and closes the case
    _sign_in(page, base_url, "director")
    page.get_by_role("link", name=reference).first.click()
    page.get_by_label("Comply in part (narrow the request)", exact=True).check()
    page.get_by_label("Reason").fill("As counsel advised: loans since 1 September only.")
    page.get_by_role("button", name="Record the decision").click()
    assert "Decision recorded." in page.inner_text("main")
    page.get_by_role("link", name="Record a production").click()
    assert page.get_by_label("Patron card number").input_value() == CARD
    page.get_by_label("Loans (circulation history)").check()
    page.get_by_role("button", name="Preview").click()
    assert "Preview:" in page.inner_text("main")
    screenshot(page, "cases-production-preview", backend)
    page.get_by_role("button", name="Release these").click()
    assert "Production recorded" in page.inner_text("main")
    screenshot(page, "cases-production", backend)
    page.get_by_role("link", name=f"Case {reference}").click()
    page.get_by_label("Outcome").fill(
        "Complied in part; loans since 1 September released to Det. Hale."
    )
    page.get_by_role("button", name="Close the case").click()
    assert "Case closed." in page.inner_text("main")
    screenshot(page, "cases-closed", backend)
    assert "Closed" in page.locator(".case-badges").inner_text()
