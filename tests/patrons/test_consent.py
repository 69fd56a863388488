"""Releases with the patron's written consent: only what it covers, once, while valid; the scan
is checked by its content; the release appears in the patron's own report."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from disclosure import clock, vault
from disclosure.patrons import consent as consents
from disclosure.patrons import service
from tests import factories
from tests.documents.helpers import pdf_text, save_png
from tests.patrons.steps import (
    PDF,
    consent_of,
    record_consent,
    release_consent,
    report_json,
    run_queued_work,
    verify,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_consent_releases_only_what_it_covers(app, client, session, login_as):
    patron = factories.patron_with_every_kind(
        session
    )  # loans 30, 10 and 2 days ago; sessions, ILL, ...
    session.commit()
    login_as("staff")
    response = record_consent(client, patron)
    assert response.status_code == 302, response.get_data(as_text=True)
    consent = consent_of(session, patron)
    # before anything goes: what would go, per kind, and to whom
    asked = client.get(f"/desk/consents/{consent.public_id}/release").get_data(as_text=True)
    assert "Release these records?" in asked and "Ozark Legal Aid" in asked
    assert '<td>Loans</td><td class="num">1</td>' in asked and "Release 1 record<" in asked
    session.refresh(consent)
    assert consent.released_at is None and consents.release_work(session, consent) is None
    queued = client.submit(f"/desk/consents/{consent.public_id}/release", {})
    assert queued.status_code == 302  # the request returns at once: the scheduler compiles it
    session.refresh(consent)
    assert consent.released_at is None
    assert "Waiting its turn" in client.get(f"/desk/consents/{consent.public_id}").get_data(
        as_text=True
    )
    run_queued_work(app)
    session.refresh(consent)
    assert consent.released_at is not None
    data = report_json(consent.report)
    # only loans, and only the one borrowed within the consent's dates (10 days ago)
    assert list(data["records"]) == ["Loans"] and len(data["records"]["Loans"]) == 1
    assert consent.report.counts == {"loans": 1, "disclosures": 0}
    assert patron.address.encode() not in consent.report.json_data + consent.report.csv_data
    assert "disclosures" not in data  # a third party never sees the patron's accounting
    pdf = client.get(f"/desk/consents/{consent.public_id}/released.pdf")
    assert pdf.status_code == 200 and pdf.data == consent.report.pdf
    save_png(pdf.data, "consent-release")
    text = pdf_text(pdf.data)
    # addressed to whoever receives it, not to the patron; the footer names nobody
    assert "To: Ozark Legal Aid, on the patron's behalf" in text
    assert "Your library records" not in text and " your records" not in text
    assert f"written consent {patron.name}" not in text
    # once only
    release_consent(client, consent)
    assert "already released" in client.get(f"/desk/consents/{consent.public_id}").get_data(
        as_text=True
    )


def test_a_consent_cannot_be_used_outside_its_valid_dates(app, client, session, login_as):
    patron = factories.patron(session)
    session.commit()
    login_as("staff")
    tomorrow = clock.today() + timedelta(days=1)
    record_consent(client, patron, valid_from=tomorrow.isoformat())
    consent = consent_of(session, patron)
    release_consent(client, consent)
    session.refresh(consent)
    assert consent.released_at is None and consent.report is None


def test_the_consent_release_appears_in_the_patrons_own_report(app, client, session, login_as):
    patron = factories.patron_with_every_kind(session)
    session.commit()
    login_as("staff")
    record_consent(client, patron)
    consent = consent_of(session, patron)
    release_consent(client, consent)
    run_queued_work(app)
    with app.app_context():
        request = service.ask_for_records(session, patron)
    report = verify(app, session, request)
    [release] = report_json(report)["disclosures"]
    assert release["to_whom"] == "Ozark Legal Aid, on the patron's behalf"
    assert release["authority"].startswith("With your written consent, signed on")
    assert release["what"] == {"Loans": 1}


def test_the_scan_must_be_a_pdf_jpeg_or_png_by_its_content(app, client, session, login_as):
    patron = factories.patron(session)
    session.commit()
    login_as("staff")
    fake = record_consent(
        client, patron, scan=(io.BytesIO(b"MZ\x90\x00 not a pdf at all"), "consent.pdf")
    )
    assert "The scan must be a PDF, JPEG or PNG file." in fake.get_data(as_text=True)
    assert consent_of(session, patron) is None
    assert (
        record_consent(client, patron, scan=(io.BytesIO(PNG), "photo-of-consent.txt")).status_code
        == 302
    )
    consent = consent_of(session, patron)
    assert (
        consent.scan_type == "image/png"
        and consent.scan_name.endswith(".png")
        and "photo" not in consent.scan_name
    )
    stored = Path(app.config["SETTINGS"].upload_folder) / "consents" / consent.scan_name
    assert stored.read_bytes() != PNG  # sealed at rest (docs/rules.md R-encrypted-at-rest)
    with app.app_context():
        assert vault.read_file(stored) == PNG
    assert client.get(f"/desk/consents/{consent.public_id}/scan").data == PNG


def test_a_government_agency_cannot_use_a_consent_form(app, client, session, login_as):
    patron = factories.patron(session)
    session.commit()
    login_as("staff")
    refused = record_consent(client, patron, not_government="")
    assert "needs legal process" in refused.get_data(as_text=True)
    assert consent_of(session, patron) is None


def test_a_consent_never_committed_after_its_scan_was_written_leaves_no_file(app, session):
    from disclosure.patrons import consent

    patron = factories.patron(session)
    today = clock.today()
    with app.app_context():
        recorded = consent.record_consent(
            session,
            factories.user(session, "staff"),
            card_number=patron.card_number,
            recipient="Ozark Legal Aid",
            kinds=["loans"],
            covers_from=None,
            covers_to=None,
            signed_on=today,
            valid_from=today,
            valid_until=today,
            signed_by_guardian=False,
            recipient_is_not_government=True,
            scan=PDF,
        )
        written = consent.scan_folder() / recorded.scan_name
        assert vault.read_file(written) == PDF
    session.close()  # what the end of a request that failed does: no commit, no explicit rollback
    assert not written.exists()


def test_the_service_itself_refuses_a_consent_release_to_a_government_agency(app, session):
    from disclosure.errors import DomainError
    from disclosure.patrons import consent

    patron = factories.patron(session)
    today = clock.today()
    with app.app_context(), pytest.raises(DomainError, match="needs legal process") as refused:
        consent.record_consent(
            session,
            factories.user(session, "staff"),
            card_number=patron.card_number,
            recipient="County Sheriff's Office",
            kinds=["loans"],
            covers_from=None,
            covers_to=None,
            signed_on=today,
            valid_from=today,
            valid_until=today,
            signed_by_guardian=False,
            recipient_is_not_government=False,
            scan=PDF,
        )
    assert refused.value.field == "not_government"


def test_a_refused_consent_form_keeps_what_was_typed_and_asks_for_the_scan_again(
    app, client, session, login_as
):
    patron = factories.patron(session)
    session.commit()
    login_as("staff")
    refused = record_consent(client, patron, recipient="Ozark Legal Aid", not_government="")
    html = refused.get_data(as_text=True)
    assert "needs legal process" in html
    assert 'value="Ozark Legal Aid"' in html and f'value="{patron.card_number}"' in html
    assert "was not kept when the form came back" in html  # beside the scan field
    # no file chosen: nothing to choose again
    unchosen = record_consent(client, patron, not_government="", scan=(io.BytesIO(b""), ""))
    assert "was not kept" not in unchosen.get_data(as_text=True)
