"""Desk intake and routing (docs/rules.md, "Requests and cases")."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from disclosure import clock
from disclosure.audit.models import AuditEvent
from disclosure.cases import gag, guidance, uploads
from disclosure.cases.models import Case, CaseDocument, CaseKind, CaseSubject
from disclosure.errors import DomainError
from disclosure.notify.models import Notification
from disclosure.records.models import Workstation
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

SUBPOENA = {
    "officer_name": "Det. Jordan Hale",
    "officer_badge": "4471",
    "officer_agency": "Jefferson County Sheriff's Office",
    "officer_jurisdiction": "Jefferson County, MO",
    "officer_contact": "(636) 555-0177",
    "records_sought": "Loans of card 29000000000001 in October",
    "patron_cards": "29000000000001",
    "court": "Circuit Court of Jefferson County",
    "docket_number": "26JE-CR00123",
    "issued_on": "2026-11-20",
    "return_date": "2026-12-04",
}


def _notes(session, case_id):
    return session.scalars(select(Notification).where(Notification.case_id == case_id)).all()


def test_intake_first_asks_what_the_officer_presented_with_every_kind(client, login_as):
    login_as("staff")
    html = client.get("/cases/new").get_data(as_text=True)
    assert "What did the officer present?" in html
    radios = re.findall(
        r'type="radio"[^>]*value="([a-z_]+)"|value="([a-z_]+)"[^>]*type="radio"', html
    )
    values = {a or b for a, b in radios}
    assert {k.value for k in CaseKind} <= values  # every law-enforcement kind of request
    assert {
        "patron_self",
        "guardian",
        "consent",
    } <= values  # and the patron-side kinds, sent elsewhere


def test_search_warrant_guidance_comes_before_the_form_with_the_directors_phones(
    client, login_as, session
):
    director = factories.user(
        session, "director", full_name="Dana Whitfield", phone="(636) 555-0101"
    )
    acting = factories.user(session, "supervisor", full_name="Sam Okafor", phone="(636) 555-0102")
    from datetime import timedelta

    from disclosure.auth.models import ActingDirector

    session.add(
        ActingDirector(
            user_id=acting.id,
            named_by_id=director.id,
            starts_at=clock.now() - timedelta(hours=1),
            ends_at=clock.now() + timedelta(days=3),
        )
    )
    login_as("staff")
    html = client.get("/cases/new?kind=search_warrant").get_data(as_text=True)
    assert "Stand back and let the officers execute the warrant" in html
    assert "Ask for a copy of the warrant" in html
    assert "(636) 555-0101" in html and "(636) 555-0102" in html and "Acting Director" in html
    assert html.index("what to do now") < html.index('action="/cases/new?kind=search_warrant"')


@pytest.mark.parametrize("kind", ["fisa_order", "nsl"])
def test_fisa_and_nsl_guidance_says_call_now_and_tell_no_one(kind, client, login_as):
    login_as("staff")
    html = client.get(f"/cases/new?kind={kind}").get_data(as_text=True)
    assert "Call the Director now" in html
    assert "Tell no one" in html and "except your supervisor and the library's counsel" in html


@pytest.mark.parametrize("kind", ["subpoena", "court_order", "informal", "preservation"])
def test_other_kinds_say_it_is_lawful_to_refer_the_officer(kind, client, login_as):
    login_as("staff")
    html = client.get(f"/cases/new?kind={kind}").get_data(as_text=True)
    assert "lawful to refer you to the Director even if the Director is not here" in html


def test_guidance_is_one_table_covering_every_kind():
    kinds = {g.kind for g in guidance.GUIDANCE}
    assert {k.value for k in CaseKind} <= kinds
    urgent = {g.kind for g in guidance.GUIDANCE if g.call_director_now}
    assert urgent == {"search_warrant", "fisa_order", "nsl", "exigent"}


def test_clerk_logs_a_subpoena_routes_it_and_sees_only_a_receipt(client, login_as, session):
    director = factories.user(session, "director")
    clerk = login_as("staff")
    response = client.submit(
        "/cases/new?kind=subpoena",
        {**SUBPOENA, "scans": (BytesIO(PDF), "subpoena.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and "/cases/receipts/" in response.headers["Location"]
    case = session.scalar(select(Case).where(Case.received_by_id == clerk.id))
    assert re.fullmatch(rf"{clock.local(case.routed_at).year}-\d{{4}}", case.reference)
    assert case.status == "with_director" and not case.gagged
    assert [s.value for s in case.subjects] == ["29000000000001"]
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert case.reference in receipt and "Subpoena" in receipt
    assert "29000000000001" not in receipt  # the receipt is not the case
    assert (
        client.get(f"/cases/{case.public_id}").status_code == 404
    )  # after routing the clerk never sees the case
    notes = _notes(session, case.id)
    assert [n.recipient_id for n in notes] == [director.id]
    assert (
        case.reference in notes[0].subject
        and "29000000000001" not in notes[0].subject + notes[0].body
    )
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    assert {"case.logged", "case.routed"} <= set(actions)


def test_missing_officer_is_shown_beside_the_field_and_nothing_is_logged(client, login_as, session):
    login_as("staff")
    data = {**SUBPOENA, "officer_name": ""}
    html = unescape(client.submit("/cases/new?kind=subpoena", data).get_data(as_text=True))
    assert (
        "Enter the officer's name." in html and 'value="Jefferson County Sheriff\'s Office"' in html
    )
    assert session.scalar(select(Case.id)) is None


def test_case_numbers_are_drawn_at_random_per_library_year(session):
    clerk = factories.user(session, "staff")
    clock.freeze(factories.at(2026, 12, 31, 20))  # 2 p.m. in Missouri
    cases = [factories.case(session, clerk=clerk) for _ in range(12)]
    clock.freeze(factories.at(2027, 1, 1, 18))
    next_year = factories.case(session, clerk=clerk)
    references = [c.reference for c in cases]
    assert all(re.fullmatch(r"2026-\d{4}", r) for r in references)
    assert len(set(references)) == 12
    # drawn, not counted: twelve cases in a row are not numbered 1 to 12
    assert sorted(c.number for c in cases) != list(range(1, 13))
    assert re.fullmatch(r"2027-\d{4}", next_year.reference)


def test_case_year_is_the_library_year_not_the_utc_year(session):
    clock.freeze(factories.at(2027, 1, 1, 3))  # still 31 December in Missouri
    assert factories.case(session).reference.startswith("2026-")


def test_scans_are_checked_by_content_not_by_name(app_context, session):
    case = factories.case(session)
    with pytest.raises(DomainError, match="not a PDF, JPEG or PNG"):
        uploads.store(
            session,
            case.received_by,
            case,
            uploads.Scan("warrant.pdf", b"<html>not a pdf</html>"),
            uploads.DocumentKind.LEGAL_PROCESS,
        )
    stored = uploads.store(
        session,
        case.received_by,
        case,
        uploads.Scan("../../etc/photo.pdf", PNG),
        uploads.DocumentKind.LEGAL_PROCESS,
    )
    session.flush()
    assert stored.content_type == "image/png" and stored.stored_name.endswith(".png")
    assert "photo" not in stored.stored_name and stored.original_name == "photo.pdf"
    path = uploads.path_of(stored)
    assert uploads.content_of(stored) == PNG and "static" not in path.parts
    import hashlib

    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()


def test_a_refused_intake_leaves_no_scan_on_disk_and_a_logged_one_keeps_it(app_context, session):
    from disclosure.cases import intake

    def files():
        return set(uploads.folder().glob("*")) if uploads.folder().is_dir() else set()

    before = files()
    with pytest.raises(DomainError, match="not in the records"):
        factories.case(
            session,
            "search_warrant",
            scans=[uploads.Scan("warrant.pdf", PDF)],
            warrant=intake.WarrantFacts(executed_at=clock.now(), seized_workstation_ids=[999999]),
        )
    session.rollback()  # what the view does with a refusal
    assert files() == before

    kept = factories.case(session, "subpoena", scans=[uploads.Scan("subpoena.pdf", PDF)])
    session.commit()
    [document] = kept.documents
    assert files() == before | {uploads.path_of(document)}


def test_a_scan_over_20_mib_is_refused():
    with pytest.raises(DomainError, match="larger than 20 MiB"):
        uploads.check(uploads.Scan("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)))
    assert uploads.check(uploads.Scan("ok.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024 - 5))) == (
        "application/pdf",
        ".pdf",
    )


def test_a_bad_scan_at_intake_logs_nothing(client, login_as, session):
    login_as("staff")
    html = client.submit(
        "/cases/new?kind=subpoena",
        {**SUBPOENA, "scans": (BytesIO(b"MZ\x90\x00"), "subpoena.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "is not a PDF, JPEG or PNG file" in html
    assert (
        session.scalar(select(Case.id)) is None and session.scalar(select(CaseDocument.id)) is None
    )


@pytest.mark.parametrize("kind", ["fisa_order", "nsl"])
def test_fisa_and_nsl_are_gagged_from_intake_and_notifications_say_nothing(kind, session):
    director = factories.user(session, "director")
    supervisor = factories.user(session, "supervisor")
    clerk = factories.user(session, "staff", supervisor_id=supervisor.id)
    case = factories.case(session, kind, clerk=clerk)
    assert case.gagged
    notes = {n.recipient_id: n for n in _notes(session, case.id)}
    assert notes[director.id].subject == gag.RESTRICTED_NOTICE and notes[director.id].urgent
    assert case.reference not in notes[director.id].subject + notes[director.id].body + (
        notes[director.id].link or ""
    )
    told = session.scalars(
        select(Notification).where(Notification.recipient_id == supervisor.id)
    ).all()
    assert [n.subject for n in told] == [
        "A restricted matter logged by staff you supervise was routed to the Director."
    ]
    assert told[0].case_id is None and told[0].link is None and told[0].body == ""


def test_receipt_of_a_gagged_case_shows_only_reference_kind_and_time(client, login_as, session):
    factories.user(session, "director")
    clerk = login_as("staff")
    case = factories.case(session, "nsl", clerk=clerk, officer_name="Special Agent Quinn Rossi")
    session.commit()
    html = client.get(f"/cases/receipts/{case.public_id}").get_data(as_text=True)
    assert (
        case.reference in html
        and "National Security Letter" in html
        and "Routed to the Director" in html
    )
    assert (
        "Quinn Rossi" not in html and "Sheriff" not in html and "Received at the desk" not in html
    )


def test_someone_elses_receipt_answers_404(client, login_as, session):
    case = factories.case(session)
    login_as("staff")
    assert client.get(f"/cases/receipts/{case.public_id}").status_code == 404


def test_search_warrant_records_the_search_and_takes_seized_computers_out_of_service(
    client, login_as, session
):
    director = factories.user(session, "director")
    seized, untouched = factories.workstation(session), factories.workstation(session)
    login_as("staff")
    data = {
        **SUBPOENA,
        "executed_at": "2026-11-20T10:30",
        "areas_searched": "Reference desk",
        "equipment_searched": "Two public computers",
        "items_seized": "One tower PC",
        "seized_workstations": str(seized.id),
    }
    clock.freeze(factories.at(2026, 11, 20, 18))
    response = client.submit("/cases/new?kind=search_warrant", data)
    assert response.status_code == 302
    case = session.scalar(select(Case).where(Case.kind == "search_warrant"))
    assert case.warrant.items_seized == "One tower PC" and case.warrant.seized_workstation_ids == [
        seized.id
    ]
    assert clock.local(case.warrant.executed_at).hour == 10
    session.expire_all()
    assert session.get(Workstation, seized.id).out_of_service
    assert (
        session.get(Workstation, seized.id).out_of_service_reason == "Seized under a search warrant"
    )
    assert not session.get(Workstation, untouched.id).out_of_service
    note = _notes(session, case.id)[0]
    assert note.recipient_id == director.id and note.urgent and note.subject.startswith("URGENT")


def test_search_warrant_needs_the_time_it_was_executed(client, login_as, session):
    login_as("staff")
    html = client.submit("/cases/new?kind=search_warrant", SUBPOENA).get_data(as_text=True)
    assert "Enter when the warrant was executed." in html
    assert session.scalar(select(Case.id)) is None


def test_named_patrons_workstations_and_window_are_kept(session):
    start, end = factories.at(2026, 11, 3, 14), factories.at(2026, 11, 3, 18)
    case = factories.case(
        session,
        patron_cards=["2900", "2900", "2901"],
        workstation_codes=["MAIN-PC-03"],
        window_starts_at=start,
        window_ends_at=end,
    )
    rows = session.scalars(
        select(CaseSubject).where(CaseSubject.case_id == case.id).order_by(CaseSubject.id)
    ).all()
    assert [(r.kind, r.value) for r in rows] == [
        ("patron", "2900"),
        ("patron", "2901"),
        ("workstation", "MAIN-PC-03"),
        ("time_window", None),
    ]
    assert (rows[-1].starts_at, rows[-1].ends_at) == (start, end)


def test_patron_side_kinds_are_sent_to_the_patron_desk_not_logged(client, login_as):
    login_as("staff")
    html = client.get("/cases/new?kind=patron_self").get_data(as_text=True)
    assert (
        "This is not a law-enforcement request" in html and 'action="/cases/new?kind=' not in html
    )


def test_staff_home_has_the_big_button_and_recent_receipts(client, login_as, session):
    clerk = login_as("staff")
    case = factories.case(session, clerk=clerk)
    session.commit()
    html = unescape(client.get("/").get_data(as_text=True))
    assert "Log an officer's request" in html
    assert f"/cases/receipts/{case.public_id}" in html


def test_upload_folder_is_outside_static(app):
    with app.app_context():
        folder = uploads.folder().resolve()
    assert Path(app.static_folder).resolve() not in folder.parents


def test_a_gagged_case_takes_no_number_from_the_ordinary_series(session):
    """A gap in the ordinary numbers, set against the annual report's exact counts, would count
    gagged matters: FISA orders and NSLs are numbered apart, at random."""
    clerk = factories.user(session, "staff")
    clock.freeze(factories.at(2026, 5, 4, 15))
    first = factories.case(session, clerk=clerk)
    nsl = factories.case(session, "nsl", clerk=clerk)
    fisa = factories.case(session, "fisa_order", clerk=clerk)
    second = factories.case(session, clerk=clerk)
    assert all(re.fullmatch(r"2026-\d{4}", c.reference) for c in (first, second))
    assert (
        nsl.reference.startswith("2026-R")
        and fisa.reference.startswith("2026-R")
        and nsl.reference != fisa.reference
    )


def _error_summary(html: str) -> str:
    """The error summary at the top of the page, as a person reads it."""
    found = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert found, "the page has an error summary"
    return unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def test_a_warrant_form_names_every_fault_in_one_round_above_the_instructions(
    client, login_as, session
):
    login_as("staff")
    clock.freeze(factories.at(2026, 11, 20, 18))
    data = {**SUBPOENA, "officer_name": "", "issued_on": "2026-12-01"}
    html = client.submit("/cases/new?kind=search_warrant", data).get_data(as_text=True)
    summary = _error_summary(html)
    # the form's own check (the name), the warrant's time and a rule of dates, all at once
    assert "Enter the officer's name." in summary
    assert "Enter when the warrant was executed." in summary
    assert "The date issued cannot be in the future." in summary
    assert summary.index("executed") < summary.index("officer's name")  # in the page's order
    assert html.index('class="error-summary"') < html.index("what to do now")
    assert "autofocus" in re.search(r'<div class="error-summary"[^>]*>', html).group(0)
    assert session.scalar(select(Case.id)) is None


def test_a_time_the_form_cannot_read_is_not_also_called_missing(client, login_as):
    login_as("staff")
    data = {**SUBPOENA, "executed_at": "yesterday"}
    html = client.submit("/cases/new?kind=search_warrant", data).get_data(as_text=True)
    assert "Enter when the warrant was executed." not in html
    assert "When the warrant was executed" in _error_summary(html)


def test_continue_with_nothing_chosen_says_to_choose(client, login_as):
    login_as("staff")
    html = client.get("/cases/new?chosen=1").get_data(as_text=True)
    assert "Choose what the officer presented." in _error_summary(html)
    assert "error-summary" not in client.get("/cases/new").get_data(as_text=True)


def test_a_seized_computer_is_not_offered_again_and_cannot_be_seized_twice(
    client, login_as, session
):
    factories.user(session, "director")
    seized, free = factories.workstation(session), factories.workstation(session)
    seized.out_of_service, seized.out_of_service_reason = True, "Seized under a search warrant"
    session.flush()
    login_as("staff")
    html = client.get("/cases/new?kind=search_warrant").get_data(as_text=True)
    assert f'value="{free.id}"' in html and f'value="{seized.id}"' not in html
    assert "already out of service" in html and seized.code in html
    clock.freeze(factories.at(2026, 11, 20, 18))
    data = {**SUBPOENA, "executed_at": "2026-11-20T10:30", "seized_workstations": str(seized.id)}
    response = client.submit("/cases/new?kind=search_warrant", data)
    assert response.status_code != 302
    assert session.scalar(select(Case.id)) is None


def test_a_time_the_clocks_skip_is_named_with_the_other_faults_not_a_crash(client, login_as):
    login_as("staff")
    data = {**SUBPOENA, "officer_name": "", "executed_at": "2026-03-08T02:30"}
    response = client.submit("/cases/new?kind=search_warrant", data)
    summary = _error_summary(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "does not exist at the library" in summary and "Enter the officer's name." in summary
