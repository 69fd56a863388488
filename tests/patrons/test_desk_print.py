"""The desk printer (docs/rules.md R-desk-print, R-desk-request-proved, R-consent-files,
R-desk-weekly-summary): a report is printed at the desk only by whoever checked the patron's ID,
within 30 minutes, later only by the Director; the patron sees each print; a written request
logged at the desk is proved by a scan or by the patron's PIN; released files of a consent are
for the Director and the releaser, for the download period; supervisors get a weekly count."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from disclosure import clock, jobs, vault
from disclosure.audit.models import AuditEvent
from disclosure.notify.models import Notification
from disclosure.patrons import service
from disclosure.patrons.models import PatronRequest
from tests import factories
from tests.patrons.steps import (
    ask,
    consent_of,
    latest_request,
    record_consent,
    release_consent,
    run_queued_work,
    sign_in_patron,
    verify,
)
from tests.patrons.test_consent import PNG

ID_CHECKED = datetime(2026, 11, 16, 15, 0, tzinfo=clock.UTC)


def _checked_by(app, client, session, login_as, clerk):
    """A patron asks in the portal; `clerk` checks their ID at the desk; the report compiles."""
    patron = factories.patron(session)
    factories.loan(session, patron)
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    request = latest_request(session, patron)
    desk = app.test_client()
    login_as("staff", clerk, the_client=desk)
    desk.submit(
        f"/desk/patron-requests/{request.public_id}", {"id_kind": "passport", "confirmed": "y"}
    )
    run_queued_work(app)
    session.refresh(request)
    assert request.status == "ready" and request.verified_by_id == clerk.id
    return request, desk


def _desk_prints(session, request) -> int:
    return len(
        session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "patron_report.printed", AuditEvent.object_id == request.id
            )
        ).all()
    )


def test_a_clerks_print_31_minutes_after_the_id_check_is_refused(app, client, session, login_as):
    clock.freeze(ID_CHECKED)
    clerk = factories.user(session, "staff")
    request, desk = _checked_by(app, client, session, login_as, clerk)
    other = app.test_client()
    login_as("staff", the_client=other)
    assert other.get(f"/desk/patron-requests/{request.public_id}/report.pdf").status_code == 404

    clock.freeze(ID_CHECKED + timedelta(minutes=30))
    login_as("staff", clerk, the_client=desk)  # a fresh sign-in: the idle session ended
    printed = desk.get(f"/desk/patron-requests/{request.public_id}/report.pdf")
    assert printed.status_code == 200 and printed.data.startswith(b"%PDF")

    clock.freeze(ID_CHECKED + timedelta(minutes=31))
    login_as("staff", clerk, the_client=desk)
    assert desk.get(f"/desk/patron-requests/{request.public_id}/report.pdf").status_code == 404
    page = desk.get(f"/desk/patron-requests/{request.public_id}").get_data(as_text=True)
    assert "Open the PDF to print" not in page
    assert "Only the staff member who checked the patron's ID can print it" in page
    assert _desk_prints(session, request) == 1

    director = app.test_client()
    login_as("director", the_client=director)
    assert director.get(f"/desk/patron-requests/{request.public_id}/report.pdf").status_code == 200
    assert _desk_prints(session, request) == 2


def test_the_patron_sees_each_print_at_the_desk_on_their_request(app, client, session, login_as):
    clock.freeze(ID_CHECKED)
    clerk = factories.user(session, "staff")
    request, desk = _checked_by(app, client, session, login_as, clerk)
    mine = client.get(f"/patron/requests/{request.public_id}").get_data(as_text=True)
    assert "printed at the desk" not in mine
    clock.freeze(ID_CHECKED + timedelta(minutes=5))
    assert desk.get(f"/desk/patron-requests/{request.public_id}/report.pdf").status_code == 200
    mine = client.get(f"/patron/requests/{request.public_id}").get_data(as_text=True)
    assert "printed at the desk on 16 Nov 2026" in mine


def _written(client, patron, **data):
    form = {"card_number": patron.card_number, "kinds": ["loans"], **data}
    return client.submit("/desk/patron-requests/new", form, content_type="multipart/form-data")


def test_a_written_request_at_the_desk_needs_the_signed_request_scanned_or_the_patrons_pin(
    app, client, session, login_as
):
    patron = factories.patron(session)
    session.commit()
    login_as("staff")
    unproved = _written(client, patron).get_data(as_text=True)
    assert "Scan the patron&#39;s signed request, or turn the screen to the patron" in unproved
    no_file = _written(client, patron, proof="scan").get_data(as_text=True)
    assert "Attach the scan of the patron&#39;s signed request." in no_file
    wrong = _written(client, patron, proof="pin", pin="9999").get_data(as_text=True)
    assert "That PIN does not match this card." in wrong and "9999" not in wrong
    assert latest_request(session, patron) is None

    typed = _written(client, patron, proof="pin", pin=factories.PIN)
    assert typed.status_code == 302
    by_pin = latest_request(session, patron)
    assert by_pin.desk_proof == "pin" and by_pin.signed_scan_name is None
    client.submit(
        f"/desk/patron-requests/{by_pin.public_id}/withdraw",
        {"reason": "Logged to try the PIN"},
        page=f"/desk/patron-requests/{by_pin.public_id}",
    )

    scanned = _written(client, patron, proof="scan", scan=(io.BytesIO(PNG), "request.png"))
    assert scanned.status_code == 302
    by_scan = latest_request(session, patron)
    assert by_scan.id != by_pin.id and by_scan.desk_proof == "scan"
    kept = Path(app.config["SETTINGS"].upload_folder) / "requests" / by_scan.signed_scan_name
    assert kept.read_bytes() != PNG  # sealed at rest (docs/rules.md R-encrypted-at-rest)
    with app.app_context():
        assert vault.read_file(kept) == PNG and by_scan.signed_scan_type == "image/png"
    page = client.get(f"/desk/patron-requests/{by_scan.public_id}").get_data(as_text=True)
    assert "The signed request, scanned" in page
    opened = client.get(f"/desk/patron-requests/{by_scan.public_id}/signed-request")
    assert opened.status_code == 200 and opened.data == PNG
    no_scan = client.get(f"/desk/patron-requests/{by_pin.public_id}/signed-request")
    assert no_scan.status_code == 404


def test_wrong_pins_typed_at_the_desk_lock_the_card_as_in_the_portal(
    app, client, session, login_as
):
    patron = factories.patron(session)
    session.commit()
    login_as("staff")
    for _ in range(10):
        answer = _written(client, patron, proof="pin", pin="0000").get_data(as_text=True)
        if "Too many attempts with this card number" in answer:
            break
    else:
        raise AssertionError("the card was never locked")
    right = _written(client, patron, proof="pin", pin=factories.PIN).get_data(as_text=True)
    assert "Too many attempts with this card number" in right
    assert (
        session.scalars(select(PatronRequest).where(PatronRequest.subject_id == patron.id)).all()
        == []
    )


def test_consent_files_reach_only_the_director_and_the_releaser_for_the_download_days(
    app, client, session, login_as
):
    clock.freeze(ID_CHECKED)
    patron = factories.patron_with_every_kind(session)
    session.commit()
    login_as("staff")
    record_consent(client, patron)
    consent = consent_of(session, patron)
    release_consent(client, consent)
    run_queued_work(app)
    session.refresh(consent)
    files = f"/desk/consents/{consent.public_id}/released"
    assert client.get(f"{files}.pdf").status_code == 200
    other, director = app.test_client(), app.test_client()
    login_as("staff", the_client=other)
    login_as("director", the_client=director)
    assert other.get(f"{files}.csv").status_code == 404
    assert "Open the PDF to print" not in other.get(f"/desk/consents/{consent.public_id}").get_data(
        as_text=True
    )
    assert director.get(f"{files}.json").status_code == 200

    days = app.config["SETTINGS"].report_download_days
    clock.freeze(ID_CHECKED + timedelta(days=days, minutes=1))
    director = app.test_client()
    login_as("director", the_client=director)
    assert director.get(f"{files}.pdf").status_code == 404
    jobs.run_job(app, jobs.job_named(app, "drop-expired-patron-reports"))
    session.expire_all()
    assert consent.report.pdf is None and consent.report.csv_data is None
    assert len(consent.report.pdf_sha256) == 64 and consent.report.counts["loans"] >= 1
    assert "the copy was deleted on" in director.get(
        f"/desk/consents/{consent.public_id}"
    ).get_data(as_text=True)


def test_supervisors_get_a_weekly_count_of_the_desk_without_personal_data(
    app, session, app_context
):
    supervisor = factories.user(session, "supervisor")
    clerk = factories.user(session, "staff", supervisor_id=supervisor.id)
    factories.user(session, "staff")  # supervised by nobody: not in the summary
    patron = factories.patron(session, name="Zelda Quenby")
    factories.loan(session, patron)
    session.commit()
    clock.freeze(ID_CHECKED)  # a Monday; the week counted is the one before the next Monday
    request = service.ask_for_records(session, patron)
    verify(app, session, request, staff=clerk)
    service.print_at_desk(session, clerk, request)
    session.commit()

    clock.freeze(ID_CHECKED + timedelta(days=7))
    jobs.run_job(app, jobs.job_named(app, "desk-weekly-summary"))
    jobs.run_job(app, jobs.job_named(app, "desk-weekly-summary"))  # safe to run twice
    [note] = session.scalars(
        select(Notification).where(Notification.recipient_id == supervisor.id)
    ).all()
    assert note.subject.endswith("16 Nov 2026 to 22 Nov 2026")
    assert note.body == (
        f"Account {clerk.id}: 1 report(s) compiled after their ID check, 1 printed at the desk, "
        "0 released on a consent"
    )
    assert "Zelda" not in note.subject + note.body
    assert patron.card_number not in note.subject + note.body
