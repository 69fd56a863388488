"""A real browser: a Spanish-speaking patron picks Español on the sign-in page and walks the
portal in Spanish: signs in, asks for their records, reads what to do next."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from disclosure.db import db
from tests import factories
from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_a_spanish_patron_walks_the_portal(live_server, page, backend):
    base, app = live_server
    session = db.new_session(app)
    patron = factories.patron(session, name="Ana Torres")
    card = patron.card_number
    session.commit()
    session.close()

    page.goto(f"{base}/patron/login")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.locator("h1").inner_text() == "Sus registros de la biblioteca"
    page.get_by_label("Número de la tarjeta de la biblioteca").fill(card)
    page.get_by_label("PIN").fill(factories.PIN)
    page.get_by_role("button", name="Iniciar sesión").click()
    assert page.locator("h1").inner_text() == "Sus registros de la biblioteca"
    expect(page.locator("body")).to_contain_text("Todavía no ha pedido sus registros.")
    page.get_by_role("link", name="Pedir mis registros").click()
    assert page.locator("h1").inner_text() == "Pida sus registros"
    # the kinds of record, in Spanish
    expect(page.get_by_label("Préstamos", exact=True)).to_have_count(1)
    page.get_by_role("button", name="Enviar mi solicitud").click()
    # the page's text, waited for: the click returns once the next page begins, not when it is read
    body = page.locator("body")
    expect(body).to_contain_text("Recibimos su solicitud PR-")
    expect(body).to_contain_text("Después: muestre un documento de identidad con foto")
    expect(body).to_contain_text("Todos los tipos de registro, todas las fechas")
    screenshot(page, "patron-spanish-request", backend)
    page.get_by_role("link", name="Sus registros de la biblioteca").click()
    expect(page.get_by_role("cell", name="Esperando la identificación con foto")).to_have_count(1)
    page.get_by_role("button", name="Cerrar sesión").click()
