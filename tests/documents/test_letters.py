"""The Director's letters: drafted from the case, edited, made final, kept with their SHA-256 and
never changed; each carries the facts it must (reference, dates, process, names, counts, hashes)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from disclosure import clock
from disclosure.documents import service
from disclosure.documents.models import Document, DocumentKind, FinalDocumentChanged
from disclosure.errors import DomainError
from disclosure.pdf import sha256
from tests import factories
from tests.documents.helpers import page_texts, pdf_text, save_png

K = DocumentKind
NOW = factories.at(2026, 3, 9, 15)


@pytest.fixture
def director(session):
    return factories.user(session, "director", full_name="Dana Whitfield")


def _final(session, director, case, kind, **params):
    document = service.start_letter(session, director, case, kind, **params)
    service.finalize(session, director, document)
    session.flush()
    return document


def test_letter_requiring_proper_process_names_the_request_and_the_rule(
    session, app_context, director, backend
):
    clock.freeze(NOW)
    case = factories.documents_case(
        session,
        kind="informal",
        number=42,
        court=None,
        docket_number=None,
        issued_on=None,
        received_at=factories.at(2026, 3, 6, 16),
    )
    document = _final(session, director, case, K.PROPER_PROCESS_REQUIRED)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "letter-proper-process", backend)
    assert "2026-0042" in text and "Jefferson County Library" in text
    assert "March 9, 2026" in text  # the date it was signed
    assert "On March 6, 2026, you asked the library" in text
    assert "court of competent jurisdiction that shows good cause and is in proper form" in text
    assert "Det. Maria Alvarez (badge 4471)" in text and "Jefferson County Sheriff's Office" in text
    assert "Dana Whitfield" in text and "Director, Jefferson County Library" in text
    assert "Page 1 of 1" in text and "DRAFT" not in text
    assert document.sha256 == sha256(document.pdf)


def test_refusal_lists_why_the_process_is_not_in_proper_form(
    session, app_context, director, backend
):
    clock.freeze(NOW)
    case = factories.documents_case(
        session,
        number=7,
        decision="refuse_improper",
        decision_reason="It is not signed by a judge.\nIt names no patron, workstation or time "
        "window",
    )
    document = _final(session, director, case, K.REFUSAL_IMPROPER)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "letter-refusal", backend)
    assert "2026-0007" in text
    assert (
        "the subpoena (docket 26JE-CR00412) issued by the Circuit Court of Jefferson County, "
        "Missouri on March 2, 2026" in text
    )
    assert (
        "It is not signed by a judge." in text
        and "It names no patron, workstation or time window." in text
    )


def test_refusal_without_any_reason_is_not_drafted(session, app_context, director):
    case = factories.documents_case(session)
    with pytest.raises(DomainError, match="must say why"):
        service.start_letter(session, director, case, K.REFUSAL_IMPROPER)


def test_no_responsive_records_letter(session, app_context, director, backend):
    clock.freeze(NOW)
    case = factories.documents_case(session, number=11, decision="no_responsive_records")
    document = _final(session, director, case, K.NO_RESPONSIVE_RECORDS)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "letter-no-records", backend)
    assert "2026-0011" in text and "no records responsive to your request" in text
    assert "Subpoena 26JE-CR00412: no responsive records" in text


def test_exigent_follow_up_says_what_is_still_due_and_by_when(
    session, app_context, director, backend
):
    clock.freeze(NOW)
    case = factories.documents_case(
        session,
        kind="exigent",
        number=3,
        court=None,
        docket_number=None,
        issued_on=None,
        received_at=factories.at(2026, 3, 4, 2),  # 8 p.m. on March 3 in Missouri
        paperwork_due_at=factories.at(2026, 3, 10, 22),
    )
    from disclosure.cases.models import ExigentWaiver

    session.add(
        ExigentWaiver(
            case_id=case.id,
            counsel_name="R. Okafor",
            advised_at=factories.at(2026, 3, 4, 2),
            advice="Release the session log only.",
            emergency="A threat against the library",
            released="the session log of workstation HB-PC-07 for February 27, 2026",
            recorded_by_id=director.id,
        )
    )
    session.flush()
    session.expire(case)
    document = _final(session, director, case, K.EXIGENT_FOLLOW_UP)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "letter-exigent", backend)
    assert "On March 3, 2026 at 8:00 p.m." in text
    assert (
        "The library released: the session log of workstation HB-PC-07 for February 27, 2026."
        in text
    )
    assert "subpoena, warrant, court order or other investigatory document" in text
    assert "no later than March 10, 2026 at 5:00 p.m." in text  # the due instant, in library time
    assert "overdue" not in text


def test_exigent_follow_up_needs_paper_due(session, app_context, director):
    case = factories.documents_case(session)
    with pytest.raises(DomainError, match="no paper due"):
        service.start_letter(session, director, case, K.EXIGENT_FOLLOW_UP)


def test_compliance_cover_letter_lists_what_was_produced(session, app_context, director, backend):
    clock.freeze(NOW)
    case = factories.documents_case(session, number=5, decision="comply")
    factories.documents_production(session, case, director, loans=4, sessions=3)
    document = _final(session, director, case, K.COMPLIANCE_COVER)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "letter-compliance-cover", backend)
    assert (
        "Loans (circulation history) 4" in text
        and "Computer sign-up and session logs 3" in text
        and "Total 7" in text
    )
    assert "a3f1" * 16 in text.replace(" ", "")
    assert "Feb 2026" in text  # the time span of the records


def test_compliance_cover_needs_a_production(session, app_context, director):
    case = factories.documents_case(session)
    with pytest.raises(DomainError, match="Record the production first"):
        service.start_letter(session, director, case, K.COMPLIANCE_COVER)


def test_production_certificate_carries_kinds_counts_span_files_and_hashes(
    session, app_context, director, backend
):
    clock.freeze(NOW)
    case = factories.documents_case(session, number=5, decision="comply")
    production = factories.documents_production(
        session, case, director, loans=4, sessions=3, produced_at=factories.at(2026, 3, 6, 17)
    )
    document = service.production_certificate(session, director, production)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "certificate-of-production", backend)
    assert "Certificate of production" in text and "2026-0005" in text
    assert "6 Mar 2026, 11:00 a.m." in text  # when, in library time
    assert "Det. Maria Alvarez, Jefferson County Sheriff's Office" in text  # to whom
    assert "Subpoena 26JE-CR00412, Circuit Court of Jefferson County" in text  # authority
    assert "the 7 library records" in text and "Loans (circulation history) 4" in text
    assert "18 Feb 2026" in text and "27 Feb 2026" in text  # the time span
    flat = text.replace(" ", "")
    assert "records.csv" in flat and "a3f1" * 16 in flat and "9c0e" * 16 in flat
    assert "Dana Whitfield" in text and "Director, Jefferson County Library" in text
    # what was produced starts under what is certified, not on a page of its own; the signature
    # and the note of issue go with the last file they certify
    pages = page_texts(document.pdf)
    assert "What was produced" in pages[0] and "records.csv" in pages[0]
    assert "records.json" in pages[-1] and "Issued March 9, 2026" in pages[-1]
    assert document.is_final and document.sha256 == sha256(document.pdf)
    # issued once: asking again gives the kept one
    assert service.production_certificate(session, director, production).id == document.id


def test_a_final_letter_is_never_changed(session, app_context, director):
    case = factories.documents_case(session)
    document = _final(session, director, case, K.PROPER_PROCESS_REQUIRED)
    kept, digest = document.pdf, document.sha256
    with pytest.raises(DomainError, match="final"):
        service.update_draft(
            session, director, document, addressee="Someone", subject="x", body="Other words"
        )
    with pytest.raises(DomainError, match="final"):
        service.finalize(session, director, document)
    with pytest.raises(DomainError, match="final"):
        service.delete_draft(session, director, document)
    assert document.pdf == kept and document.sha256 == digest
    # and behind the service, the database refuses a changed final document too
    document.body = "Quietly edited"
    with pytest.raises(FinalDocumentChanged):
        session.flush()
    session.rollback()


def test_only_the_director_issues_letters(session, app_context):
    case = factories.documents_case(session)
    counsel = factories.user(session, "counsel")
    with pytest.raises(DomainError, match="Only the Director"):
        service.start_letter(session, counsel, case, K.PROPER_PROCESS_REQUIRED)


def test_documents_of_a_case_follow_the_case_visibility_rule(session, app_context, director):
    counsel = factories.user(session, "counsel")
    other_counsel = factories.user(session, "counsel")
    case = factories.documents_case(session, counsel_id=counsel.id, gagged=True, kind="nsl")
    document = _final(session, director, case, K.PROPER_PROCESS_REQUIRED)
    assert service.load_document(session, director, document.id) is not None
    assert (
        service.load_document(session, counsel, document.id) is not None
    )  # assigned counsel is in the circle
    assert service.load_document(session, other_counsel, document.id) is None
    assert service.load_document(session, factories.user(session, "staff"), document.id) is None
    assert service.documents_of_case(session, other_counsel, case.id) == []


def test_the_director_drafts_edits_previews_and_finalizes_a_letter(
    client, login_as, session, app, backend
):
    director = login_as("director")
    case = factories.documents_case(
        session, kind="informal", court=None, docket_number=None, issued_on=None
    )
    session.commit()
    page = f"/documents/case/{case.public_id}"
    assert "Write a letter" in client.get(page).get_data(as_text=True)
    response = client.submit(
        f"/documents/case/{case.public_id}/letters", {"kind": "proper_process_required"}, page=page
    )
    assert response.status_code == 302
    edit = response.headers["Location"]
    html = client.get(edit).get_data(as_text=True)
    assert "Dear Det. Maria Alvarez:" in html
    body = "Dear Detective Alvarez:\n\nWe need a subpoena first.\n\n- one\n- two"
    response = client.submit(
        edit,
        {
            "addressee": "Det. Maria Alvarez\nJefferson County Sheriff's Office",
            "subject": "Your request",
            "body": body,
        },
    )
    assert response.status_code == 302
    document_id = edit.split("/")[-2]
    preview = client.get(f"/documents/{document_id}/preview.pdf")
    assert preview.mimetype == "application/pdf" and preview.headers["Cache-Control"] == "no-store"
    text = pdf_text(preview.data)
    assert (
        "DRAFT" in text
        and "We need a subpoena first." in text
        and "Dear Detective Alvarez:" in text
    )
    shown = _shown(client, document_id)
    response = client.submit(f"/documents/{document_id}/finalize", {"shown": shown})
    assert response.status_code == 302
    kept = client.get(f"/documents/{document_id}.pdf")
    assert sha256(kept.data) == shown  # exactly the letter the confirmation page showed
    text = pdf_text(kept.data)
    assert "DRAFT" not in text and "We need a subpoena first." in text
    assert director.full_name in text
    kept_row = session.scalar(select(Document).where(Document.public_id == document_id))
    assert sha256(kept.data) == service.load_document(session, director, kept_row.id).sha256
    # a final letter has no editor any more
    assert client.get(edit).status_code == 302
    listing = client.get(page).get_data(as_text=True)
    assert "Final" in listing and sha256(kept.data)[:16] in listing


def test_an_empty_letter_is_refused_beside_the_field(client, login_as, session):
    director = login_as("director")
    case = factories.documents_case(session)
    document = service.start_letter(session, director, case, K.PROPER_PROCESS_REQUIRED)
    session.commit()
    html = client.submit(
        f"/documents/{document.public_id}/edit",
        {"addressee": "Det. Alvarez", "subject": "x", "body": "  "},
    ).get_data(as_text=True)
    assert "Write the letter." in html and "Det. Alvarez" in html


def test_a_hidden_case_answers_404_like_a_missing_one(client, login_as, session):
    login_as("director")
    assert client.get("/documents/case/999999").status_code == 404
    assert client.get("/documents/999999.pdf").status_code == 404


def _advised_to_refuse(session, director):
    """A case counsel advised refusing, on a checklist with two defects: no good cause shown,
    and not signed."""
    checklist = {
        "competent_court": True,
        "good_cause": False,
        "proper_form": True,
        "signed": False,
        "in_date": True,
        "within_jurisdiction": True,
    }
    return factories.advised_case(
        session, director=director, recommendation="refuse", checklist=checklist
    )


def test_refusal_takes_its_reasons_from_counsels_checklist(session, app_context, director, backend):
    clock.freeze(NOW)
    case = _advised_to_refuse(session, director)
    document = _final(session, director, case, K.REFUSAL_IMPROPER)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "letter-refusal-checklist", backend)
    assert "It does not show good cause." in text and "It is not signed." in text
    assert "It is not in proper form." not in text  # counsel ticked that one


@pytest.mark.parametrize(
    ("kind", "decision", "produced", "offered"),
    [
        ("subpoena", "comply", True, "compliance_cover"),
        ("subpoena", "comply", False, ""),  # nothing produced yet to cover: no letter fits yet
        ("subpoena", "challenge", False, ""),
        ("subpoena", "no_responsive_records", False, "no_responsive_records"),
        ("informal", "proper_process_required", False, "proper_process_required"),
        ("preservation", None, False, "preservation_confirmed"),
    ],
)
def test_the_letters_page_offers_first_the_letter_the_decision_calls_for(
    client, session, login_as, kind, decision, produced, offered
):
    director = login_as("director")
    case = factories.documents_case(session, kind=kind, decision=decision)
    if produced:
        factories.documents_production(session, case, director)
    session.commit()
    page = client.get(f"/documents/case/{case.public_id}").get_data(as_text=True)
    assert f'<option selected value="{offered}">' in page


_SHOWN = re.compile(r'name="shown" type="hidden" value="([0-9a-f]{64})"')


def _shown(client, document_id: str) -> str:
    """The SHA-256 of the final letter the confirmation page shows (its hidden field)."""
    html = client.get(f"/documents/{document_id}/finalize").get_data(as_text=True)
    assert "Make this letter final?" in html
    return _SHOWN.search(html).group(1)


def test_make_final_saves_what_was_typed_then_shows_the_exact_final_letter(
    client, login_as, session
):
    director = login_as("director")
    case = factories.documents_case(session)
    document = service.start_letter(session, director, case, K.PROPER_PROCESS_REQUIRED)
    session.commit()
    typed = "A paragraph typed just before pressing Make final."
    response = client.submit(
        f"/documents/{document.public_id}/edit",
        {"addressee": "Det. Alvarez", "subject": "Re", "body": typed, "then": "final"},
    )
    assert response.headers["Location"] == f"/documents/{document.public_id}/finalize"
    shown = _shown(client, document.public_id)
    framed = client.get(f"/documents/{document.public_id}/final.pdf")
    assert sha256(framed.data) == shown and typed in pdf_text(framed.data)
    assert "DRAFT" not in pdf_text(framed.data)
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert service.load_document(session, director, document.id).is_final is False  # not yet
    client.submit(f"/documents/{document.public_id}/finalize", {"shown": shown})
    session.expire_all()
    kept = service.load_document(session, director, document.id)
    assert kept.is_final and kept.sha256 == shown and typed in pdf_text(kept.pdf)


def test_a_letter_changed_after_it_was_shown_is_not_made_final(client, login_as, session):
    director = login_as("director")
    case = factories.documents_case(session)
    document = service.start_letter(session, director, case, K.PROPER_PROCESS_REQUIRED)
    session.commit()
    shown = _shown(client, document.public_id)
    edit = f"/documents/{document.public_id}/edit"
    client.submit(edit, {"addressee": "Det. Alvarez", "subject": "Re", "body": "Other words."})
    response = client.submit(
        f"/documents/{document.public_id}/finalize", {"shown": shown}, follow_redirects=True
    )
    assert "has changed since it was shown to you" in response.get_data(as_text=True)
    session.expire_all()
    assert service.load_document(session, director, document.id).is_final is False


def test_deleting_a_draft_asks_once_first(client, login_as, session):
    director = login_as("director")
    case = factories.documents_case(session)
    draft = service.start_letter(session, director, case, K.PROPER_PROCESS_REQUIRED)
    session.commit()
    document_id, address = draft.id, draft.public_id
    asked = client.get(f"/documents/{address}/delete").get_data(as_text=True)
    assert "Delete this draft?" in asked and "Keep it" in asked
    assert service.load_document(session, director, document_id) is not None
    client.submit(f"/documents/{address}/delete", {})
    session.expire_all()
    assert service.load_document(session, director, document_id) is None


def test_an_exigent_follow_up_written_after_the_due_date_says_overdue_since(
    session, app_context, director
):
    clock.freeze(factories.at(2026, 3, 20, 15))
    case = factories.documents_case(
        session,
        kind="exigent",
        court=None,
        docket_number=None,
        issued_on=None,
        paperwork_due_at=factories.at(2026, 3, 10, 22),
    )
    text = pdf_text(_final(session, director, case, K.EXIGENT_FOLLOW_UP).pdf)
    assert "It has been overdue since March 10, 2026 at 5:00 p.m.: please provide it now." in text
    assert "no later than" not in text


def test_a_refusal_made_on_counsels_checklist_lists_each_defect_once(
    session, app_context, director, backend
):
    from disclosure.cases import service as cases

    clock.freeze(NOW)
    case = _advised_to_refuse(session, director)
    cases.decide(session, director, case, "refuse_improper")  # no reason typed: the checklist's
    document = _final(session, director, case, K.REFUSAL_IMPROPER)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "letter-refusal-decided", backend)
    assert text.count("It does not show good cause.") == 1
    assert text.count("It is not signed.") == 1
    assert "Process not in proper form:" not in text and "; signed" not in text


def test_the_letterhead_carries_the_librarys_address_and_phone_from_configuration(
    app, session, director
):
    from tests.conftest import make_app

    clock.freeze(NOW)
    configured = make_app(
        app.config["DATABASE_URL"],
        {
            "library_address": "5678 Main Street | Hillsboro, MO 63050",
            "library_phone": "(636) 555-0100",
        },
    )
    case = factories.documents_case(session, kind="informal", court=None, docket_number=None)
    with configured.app_context():
        text = pdf_text(_final(session, director, case, K.PROPER_PROCESS_REQUIRED).pdf)
    assert "5678 Main Street · Hillsboro, MO 63050 · Telephone (636) 555-0100" in text
