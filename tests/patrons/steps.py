"""Steps the patron tests share: sign a patron in, ask, have staff check ID, read the report;
record and release a consent at the desk."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from sqlalchemy import select

from disclosure import clock, jobs
from disclosure.patrons import service
from disclosure.patrons.models import ConsentRelease, PatronRequest
from tests import factories


def sign_in_patron(client, patron, pin: str = factories.PIN):
    """POST the portal's sign-in form as a browser would."""
    return client.submit("/patron/login", {"card_number": patron.card_number, "pin": pin})


def ask(client, data: dict | None = None):
    """Send the portal's 'ask for my records' form."""
    return client.submit("/patron/ask", dict(data or {}))


def latest_request(session, requester) -> PatronRequest:
    return session.scalars(
        select(PatronRequest)
        .where(PatronRequest.requester_id == requester.id)
        .order_by(PatronRequest.id.desc())
    ).first()


def verify(app, session, request: PatronRequest, staff=None, **kwargs):
    """Staff saw photo ID: compile the report (in an app context of its own, as a view would)."""
    with app.app_context():
        staff = staff or factories.user(session, "staff")
        if request.for_minor:
            kwargs.setdefault("guardianship_proof", "birth_certificate")
        service.verify_and_compile(session, staff, request, id_kind="drivers_license", **kwargs)
        session.commit()
    run_queued_work(app)
    session.expire_all()
    return request.report


def run_queued_work(app) -> None:
    """The scheduler's turn: run the queued long work (compiling reports, releases)."""
    jobs.run_job(app, jobs.job_named(app, "patron-work"))


def report_json(report) -> dict:
    return json.loads(report.json_data.decode("utf-8"))


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


PDF = b"%PDF-1.4\n% a scanned consent\n"  # a consent's scan, as the desk uploads it


def consent_form(patron, **overrides) -> dict:
    """The desk's consent form, filled in for `patron` (valid from today), with `overrides`."""
    today = clock.today()
    data = {
        "card_number": patron.card_number,
        "recipient": "Ozark Legal Aid, on the patron's behalf",
        "not_government": "y",
        "kinds": ["loans"],
        "covers_from": (today - timedelta(days=20)).isoformat(),
        "covers_to": (today - timedelta(days=5)).isoformat(),
        "signed_on": (today - timedelta(days=1)).isoformat(),
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=30)).isoformat(),
        "scan": (io.BytesIO(PDF), "consent.pdf"),
    }
    data.update(overrides)
    return data


def record_consent(client, patron, **overrides):
    """The clerk records a signed consent for `patron` at the desk."""
    return client.submit(
        "/desk/consents/new", consent_form(patron, **overrides), content_type="multipart/form-data"
    )


def consent_of(session, patron) -> ConsentRelease:
    """The consent release recorded at the desk for `patron`."""
    return session.scalar(select(ConsentRelease).where(ConsentRelease.patron_id == patron.id))


def release_consent(client, consent):
    """The clerk releases what the consent covers, from the consent's page."""
    return client.submit(
        f"/desk/consents/{consent.public_id}/release",
        {},
        page=f"/desk/consents/{consent.public_id}",
    )
