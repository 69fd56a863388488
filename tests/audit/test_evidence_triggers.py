"""The database itself refuses rewriting what is kept as evidence (docs/rules.md
R-evidence-unchanged): triggers made by migration 0018 refuse raw SQL that changes or deletes an
audit event, a final document, a production or its records, or a frozen report (but for ending
its download); and a final document whose bytes were swapped anyway is not served."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from disclosure import clock
from disclosure.documents.models import Document
from disclosure.patrons import report as reports
from disclosure.patrons.models import FrozenReport
from tests import factories
from tests.audit.tamper import owner_disables_triggers

PDF = b"%PDF-1.7 the letter as signed"


def _refused(session, sql: str, **values) -> None:
    connection = session.connection()
    with pytest.raises(Exception, match="refused"), connection.begin_nested():
        connection.execute(text(sql), values)


def _allowed(session, sql: str, **values) -> None:
    assert session.connection().execute(text(sql), values).rowcount == 1


def _document(session, status: str = "final", director=None) -> Document:
    director = director or factories.user(session, "director")
    case = factories.documents_case(session)
    document = Document(
        case_id=case.id,
        kind="refusal_improper",
        title="Letter",
        status=status,
        params={},
        pdf=PDF if status == "final" else None,
        sha256=hashlib.sha256(PDF).hexdigest() if status == "final" else None,
        created_at=clock.now(),
        created_by_id=director.id,
        updated_at=clock.now(),
    )
    session.add(document)
    session.flush()
    return document


def test_a_final_document_cannot_be_changed_or_deleted_with_sql(session):
    document = _document(session)
    forged = b"%PDF-1.7 another letter"
    _refused(
        session,
        "UPDATE documents SET pdf = :pdf, sha256 = :sha WHERE id = :id",
        pdf=forged,
        sha=hashlib.sha256(forged).hexdigest(),
        id=document.id,
    )
    _refused(session, "UPDATE documents SET sha256 = 'x' WHERE id = :id", id=document.id)
    _refused(session, "UPDATE documents SET title = 'Other' WHERE id = :id", id=document.id)
    _refused(session, "UPDATE documents SET status = 'draft' WHERE id = :id", id=document.id)
    _refused(session, "DELETE FROM documents WHERE id = :id", id=document.id)


def test_a_draft_may_still_be_edited_and_thrown_away(session):
    draft = _document(session, status="draft")
    _allowed(session, "UPDATE documents SET body = 'Dear officer' WHERE id = :id", id=draft.id)
    _allowed(session, "DELETE FROM documents WHERE id = :id", id=draft.id)


def test_a_final_documents_bytes_swapped_behind_the_app_are_not_served(session, client, login_as):
    director = login_as("director")
    document = _document(session, director=director)
    session.commit()
    assert client.get(f"/documents/{document.public_id}.pdf").data == PDF
    owner_disables_triggers(session, "documents")
    session.execute(
        text("UPDATE documents SET pdf = :pdf WHERE id = :id"),
        {"pdf": b"%PDF-1.7 another letter", "id": document.id},
    )
    session.commit()
    response = client.get(f"/documents/{document.public_id}.pdf")
    assert response.status_code == 409
    assert b"another letter" not in response.data
    assert "no longer match" in response.get_data(as_text=True)


def test_a_production_and_its_records_cannot_be_changed_or_deleted_with_sql(session):
    case = factories.documents_case(session)
    production = factories.production(session, case, [("loans", 1), ("loans", 2)])
    production.manifest = {"total": 2}  # written last when a production is recorded: sealed
    session.flush()
    item = production.items[0]
    _refused(
        session, "UPDATE productions SET recipient = 'Nobody' WHERE id = :id", id=production.id
    )
    _refused(session, "DELETE FROM productions WHERE id = :id", id=production.id)
    _refused(session, "UPDATE production_items SET patron_id = 99 WHERE id = :id", id=item.id)
    _refused(session, "DELETE FROM production_items WHERE id = :id", id=item.id)


def _report(session) -> FrozenReport:
    report = FrozenReport(
        compiled_at=clock.now(),
        counts={"loans": 3},
        pdf=PDF,
        json_data=b"{}",
        csv_data=b"a,b",
        pdf_sha256=hashlib.sha256(PDF).hexdigest(),
        json_sha256="j" * 64,
        csv_sha256="c" * 64,
    )
    session.add(report)
    session.flush()
    return report


def test_a_frozen_report_changes_only_by_ending_its_download(session):
    report = _report(session)
    _refused(session, "UPDATE patron_reports SET pdf_sha256 = 'x' WHERE id = :id", id=report.id)
    _refused(session, "UPDATE patron_reports SET compiled_at = NULL WHERE id = :id", id=report.id)
    _refused(session, "DELETE FROM patron_reports WHERE id = :id", id=report.id)
    _allowed(
        session,
        "UPDATE patron_reports SET pdf = NULL, json_data = NULL, csv_data = NULL, "
        "content_removed_at = compiled_at WHERE id = :id",
        id=report.id,
    )


def test_a_frozen_reports_file_swapped_behind_the_app_is_not_served(session):
    report = _report(session)
    assert reports.file_of(report, "pdf") == (PDF, "application/pdf")
    # re-encrypting may rewrite the bytes (REKEYABLE), never their hash: other bytes are refused
    _allowed(
        session,
        "UPDATE patron_reports SET pdf = :pdf WHERE id = :id",
        pdf=b"%PDF-1.7 another report",
        id=report.id,
    )
    session.expire_all()
    assert reports.file_of(session.get(FrozenReport, report.id), "pdf") is None
