"""Every page prints with whose it is, what, when and "Confidential" (the print stylesheet hides
buttons and menus); and errors answer with the library's own pages, never a bare server page."""

from __future__ import annotations

import re
from pathlib import Path

from werkzeug.exceptions import InternalServerError

from disclosure import clock
from tests import factories

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"


def _print_head(html: str) -> str:
    found = re.search(r'<div class="print-head wrap">(.*?)</div>', html, re.S)
    assert found, "the page has a header for print"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_a_printed_case_page_names_the_library_the_case_the_time_and_confidential(
    client, login_as, session
):
    clock.freeze(factories.at(2026, 11, 20, 18))
    login_as("director")
    case = factories.case(session)
    session.commit()
    head = _print_head(client.get(f"/cases/{case.public_id}").get_data(as_text=True))
    assert head == (
        f"Jefferson County Library · Case {case.reference} · Printed 20 Nov 2026, 12:00 p.m. · "
        "Confidential"
    )


def test_the_print_stylesheet_hides_buttons_forms_and_menus_and_shows_the_header():
    css = CSS.read_text()
    block = css[css.index("/* ---- print: every page") :]
    printed = block[block.index("@media print") :]
    hidden = printed[: printed.index("display: none !important")]
    for selector in ("button", ".button", "form", ".main-nav", ".site-header", ".actions"):
        assert selector in hidden
    assert ".print-head { display: block;" in printed
    assert ".print-head, .print-foot { display: none; }" in block  # not on screen


def test_get_on_sign_out_answers_a_branded_405(client, login_as):
    login_as("staff")
    response = client.get("/logout")
    html = response.get_data(as_text=True)
    assert response.status_code == 405
    assert "Sign out” button" in html and 'class="site-header"' in html


def test_a_missing_page_answers_the_branded_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Jefferson County Library" in response.get_data(True)


def test_a_server_error_answers_a_branded_500_that_needs_no_database(app):
    with app.test_request_context("/"):
        handler = app._find_error_handler(InternalServerError(), [])
        body, status = handler(InternalServerError())
    assert status == 500
    assert "Something went wrong on our side" in body and "Jefferson County Library" in body
    assert "current_user" not in (Path(app.template_folder) / "errors" / "500.html").read_text()
