"""The portal in the patron's language (disclosure/i18n.py): the patron picks it, it is kept on
their card, their report's PDF and their e-mails follow it; staff pages stay in English; a
library adds a language by dropping a compiled catalogue in its own folder."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from pypdf import PdfReader
from sqlalchemy import select

from disclosure import clock, i18n
from disclosure.patrons import mail, service
from disclosure.patrons.models import PatronEmail
from disclosure.records.models import Patron
from tests import factories
from tests.conftest import make_app
from tests.documents.helpers import save_png
from tests.patrons.steps import (
    ask,
    consent_of,
    latest_request,
    pdf_text,
    record_consent,
    release_consent,
    report_json,
    run_queued_work,
    sign_in_patron,
    verify,
)

SPANISH = Path(i18n.__file__).parent / "translations" / "es" / "LC_MESSAGES"


def _choose(client, code: str, page: str = "/patron/login"):
    return client.submit("/patron/language", {"language": code, "next": page}, page=page)


def test_a_patron_picks_spanish_and_it_is_kept_on_the_card(client, session):
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    assert _choose(client, "es", "/patron").status_code == 302
    session.expire_all()
    assert session.get(Patron, patron.id).language == "es"
    html = client.get("/patron").get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Sus registros de la biblioteca" in html and "Pedir mis registros" in html
    assert "Your library records" not in html
    sign_in_patron(client, patron)  # (the same session)
    client.submit("/patron/ask", {}, page="/patron/ask")
    html = client.get("/patron").get_data(as_text=True)
    assert re.search(r"<td>\d{1,2} [a-z]{3}\.? 20\d\d</td>", html)  # e.g. "2 dic 2026"


def test_a_visitor_picks_spanish_before_signing_in(client, session):
    _choose(client, "es")
    html = client.get("/patron/login").get_data(as_text=True)
    assert "Inicie sesión con su tarjeta de la biblioteca" in html
    assert 'lang="es" selected' in html
    wrong = sign_in_patron(client, factories.patron(session), pin="0000")
    assert "Ese número de tarjeta y ese PIN no coinciden." in wrong.get_data(as_text=True)


def test_a_language_the_app_has_not_is_refused_and_nothing_changes(client, session):
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    _choose(client, "xx", "/patron")
    html = client.get("/patron").get_data(as_text=True)
    assert "Choose one of the languages offered." in html and '<html lang="en">' in html
    session.expire_all()
    assert session.get(Patron, patron.id).language is None


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/x", "//evil.example/x", "/\\evil.example"]
)
def test_choosing_a_language_never_sends_the_visitor_off_the_site(client, elsewhere):
    response = client.submit(
        "/patron/language", {"language": "es", "next": elsewhere}, page="/patron/login"
    )
    assert response.status_code == 302 and response.headers["Location"] == "/patron/login"


def test_a_staff_session_choosing_a_language_changes_no_patron_and_stays_in_english(
    client, session, login_as
):
    patron = factories.patron(session)
    session.commit()
    login_as("staff")
    assert _choose(client, "es", "/").status_code == 302
    session.expire_all()
    assert session.get(Patron, patron.id).language is None
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_staff_pages_stay_in_english_whatever_the_browser_asks(client, login_as):
    login_as("staff")
    html = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign out" in html and "Cerrar sesión" not in html


def test_the_portal_follows_the_browser_until_the_patron_chooses(client):
    html = client.get("/patron/login", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert "Inicie sesión" in html.get_data(as_text=True)


def test_a_spanish_patrons_email_and_report_are_in_spanish(app, client, session):
    patron = factories.patron_with_every_kind(session, email="ana@example.org")
    patron.language = "es"
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    report = verify(app, session, latest_request(session, patron))
    save_png(report.pdf, "patron-report-spanish")
    text = pdf_text(report.pdf)
    assert "Sus registros de la biblioteca" in text and "De un vistazo" in text
    assert "Préstamos" in text
    # the records' own columns too, and the general word on what the library does not keep
    lower = text.lower()  # column heads are set in capitals by the stylesheet
    assert "título" in lower and "devuelto" in lower and "año de nacimiento" in lower
    assert "La ley puede obligarnos" in text
    # dates, yes and no, and the page numbers in the patron's language too
    assert " dic 2026" in text and "Dec 2026" not in text and "Sí" in text and "Yes" not in text
    assert "Página 1 de" in text and "Page 1 of" not in text
    flat = " ".join(text.split())  # what the library does not keep, from its schedule
    assert "se elimina 60 días después de la devolución del material." in flat
    assert "se eliminan 3 días después de la sesión." in flat and "deleted" not in flat
    # what the request covers, on its first page
    assert "Todos los tipos de registro, todas las fechas" in flat
    assert "Every kind of record" not in flat
    # the cover, longer in Spanish, still ends on its own page: the records begin on page 2
    first, second = (page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages[:2])
    assert "Cómo leerlo" in first and "Datos de inscripción" in second
    email = session.scalars(select(PatronEmail).where(PatronEmail.patron_id == patron.id)).first()
    with app.app_context():
        message = mail.compose(app.config["SETTINGS"], patron.email, email, patron.language)
    assert message["Subject"].startswith("La biblioteca recibió su solicitud")
    assert "Inicie sesión en el portal" in message.get_content()
    assert patron.name not in message.get_content()  # no personal data, in any language


def test_a_spanish_report_says_its_scope_and_a_consents_authority_in_spanish(
    app, client, session, login_as
):
    patron = factories.patron_with_every_kind(session)
    patron.language = "es"
    session.commit()
    login_as("staff")
    record_consent(client, patron)
    release_consent(client, consent_of(session, patron))
    run_queued_work(app)
    today = clock.today()
    with app.app_context():
        request = service.ask_for_records(
            session,
            patron,
            kinds=["loans", "computer_sessions"],
            covers_from=today - timedelta(days=90),
            covers_to=today,
        )
    report = verify(app, session, request)
    save_png(report.pdf, "patron-report-spanish-partial")
    flat = " ".join(pdf_text(report.pdf).split())
    assert "Con su consentimiento por escrito, firmado el" in flat
    assert "Préstamos y sesiones en computadoras, del" in flat
    assert "With your written consent" not in flat and "Loans and computer" not in flat
    assert "It holds what you asked for" not in flat
    # the JSON is for machines: its words stay the library's own (English)
    [release] = report_json(report)["disclosures"]
    assert release["authority"].startswith("With your written consent, signed on")
    assert "consent" not in release


@pytest.mark.parametrize("whose", ["own", "minor"])
def test_a_spanish_reports_cover_keeps_to_its_first_page(app, session, whose):
    guardian = factories.patron_with_every_kind(session)
    subject = guardian if whose == "own" else factories.patron_with_every_kind(session)
    if whose == "minor":
        subject.guardian_id = guardian.id
    guardian.language = "es"
    session.commit()
    with app.app_context():
        request = service.ask_for_records(session, guardian, subject_id=subject.id)
    report = verify(app, session, request)
    save_png(report.pdf, f"patron-report-spanish-cover-{whose}")
    pages = PdfReader(io.BytesIO(report.pdf)).pages
    first, second = (" ".join(page.extract_text().split()) for page in pages[:2])
    # the cover ends with its reading guide, whole; the records start on the next page
    assert "Cómo leerlo." in first and "escriba a la Dirección de la biblioteca." in first
    assert "Dirección de la biblioteca" not in second and "Datos de inscripción" in second


def test_the_spanish_catalogue_translates_every_message_and_is_compiled(app):
    with (SPANISH / "messages.po").open("rb") as f:
        source = read_po(f)
    with (SPANISH / "messages.mo").open("rb") as f:
        compiled = read_mo(f)
    untranslated = [m.id for m in source if m.id and not all(_strings(m))]
    assert untranslated == []
    assert _pairs(source) == _pairs(compiled)


def _pairs(catalogue) -> dict:
    return {_key(m.id): tuple(_strings(m)) for m in catalogue if m.id}


def _key(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def test_a_library_adds_a_language_with_a_catalogue_in_its_own_folder(app, tmp_path):
    catalogue = Catalog(locale="fr")
    catalogue.add("Sign in with your library card", "Connectez-vous avec votre carte")
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    (folder / "messages.mo").write_bytes(buffer.getvalue())
    library = make_app(app.config["DATABASE_URL"], {"translations_folder": tmp_path})
    assert library.config["LANGUAGES"] == {"en": "English", "es": "Español", "fr": "Français"}
    page = library.test_client().get("/patron/login", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert "Connectez-vous avec votre carte" in html and '<option value="fr" lang="fr"' in html
