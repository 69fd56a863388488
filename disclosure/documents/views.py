"""Documents: the Director's letters (draft, edit, preview, final), certificates of production,
downloads of kept documents. Every case and document is loaded through cases/visibility.py;
what a person may not see answers 404."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth.access import allow
from disclosure.cases import visibility
from disclosure.cases.service import DECISION_LABELS
from disclosure.db import db
from disclosure.documents import desk, facts, letters, service
from disclosure.documents.forms import FinalizeForm, LetterForm, NewLetterForm, ReportYearForm
from disclosure.documents.models import DocumentKind
from disclosure.pdf import sha256
from disclosure.web.forms import ConfirmForm
from disclosure.web.lifecycle import confirm, found, keep, submit

bp = Blueprint("documents", __name__, url_prefix="/documents")


def _case_or_404(case_id: int):
    return found(visibility.load_case(db.session, current_user, case_id))


def _document_or_404(document_id: int):
    return found(service.load_document(db.session, current_user, document_id))


def _documents_page(case_id: int | None) -> str:
    """Where a document's page of origin is: its case's documents, or (no case: an annual
    report) the annual reports."""
    return url_for(".case_documents", case_id=case_id) if case_id else url_for(".annual_report")


def pdf_response(data: bytes, file_name: str, *, download: bool = False) -> Response:
    """A PDF answer that no shared cache keeps (these are confidential)."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'{"attachment" if download else "inline"}; filename="{file_name}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/case/<case:case_id>")
@allow("director")
def case_documents(case_id: int):
    """A case's letters and certificates, and the form to start a letter."""
    case = _case_or_404(case_id)
    keep(
        audit.viewed(
            db.session, current_user, "case.documents_viewed", "case", case.id, case_id=case.id
        )
    )
    documents = service.documents_of_case(db.session, current_user, case.id)
    productions = facts.productions_of(db.session, case)
    suggested = letters.suggested_for(case, has_production=bool(productions))
    form = NewLetterForm(kind=suggested.value if suggested else "")
    return render_template(
        "documents/case_documents.html",
        case=case,
        documents=documents,
        productions=productions,
        form=form,
        confirm=ConfirmForm(),
        kind_label=facts.kind_label,
        decision_label=DECISION_LABELS.get(case.decision or "", ""),
    )


@bp.route("/case/<case:case_id>/letters", methods=["POST"])
@allow("director")
def letter_new(case_id: int):
    """Start a draft letter, prefilled from the case."""
    case = _case_or_404(case_id)
    form = NewLetterForm()
    return confirm(
        lambda: service.start_letter(db.session, current_user, case, DocumentKind(form.kind.data)),
        form=form,
        done="Draft started from the case. Edit it, preview it, then make it final.",
        to=lambda document: url_for(".letter_edit", document_id=document.id),
        back=url_for(".case_documents", case_id=case.id),
    )


@bp.route("/<document:document_id>/edit", methods=["GET", "POST"])
@allow("director")
def letter_edit(document_id: int):
    """Edit a draft letter. Every button saves what is typed first: 'Save and preview' then opens
    the draft as PDF, 'Make final…' the final letter to confirm, so no typed word is lost."""
    document = _document_or_404(document_id)
    if document.is_final or not document.kind_enum.is_letter:
        return redirect(url_for(".download", document_id=document.id))
    form = LetterForm(obj=document)
    then = request.form.get("then", "")
    if request.method == "GET":
        _draft_viewed(document)
    return submit(
        form,
        lambda: service.update_draft(
            db.session,
            current_user,
            document,
            addressee=form.addressee.data,
            subject=form.subject.data,
            body=form.body.data,
        ),
        done=None if then == "preview" else "Draft saved.",
        to=url_for(AFTER_SAVING.get(then, ".letter_edit"), document_id=document.id),
        page=lambda: render_template(
            "documents/letter_edit.html", document=document, form=form, confirm=ConfirmForm()
        ),
    )


# Where each button of the letter editor goes once the draft is saved.
AFTER_SAVING = {"preview": ".letter_preview", "final": ".letter_finalize"}


@bp.route("/<document:document_id>/preview.pdf")
@allow("director")
def letter_preview(document_id: int):
    """The draft as PDF, marked DRAFT, not kept."""
    document = _document_or_404(document_id)
    if document.is_final:
        return redirect(url_for(".download", document_id=document.id))
    if not document.kind_enum.is_letter:
        abort(404)  # only a letter has a draft to preview
    data = service.render(db.session, document, signer=current_user)
    _draft_viewed(document)
    return pdf_response(data, f"DRAFT-{document.file_name}")


def _draft_viewed(document) -> None:
    keep(
        audit.viewed(
            db.session,
            current_user,
            "document.draft_viewed",
            "document",
            document.id,
            case_id=document.case_id,
            detail=f"kind={document.kind}",
        )
    )


@bp.route("/<document:document_id>/finalize", methods=["GET", "POST"])
@allow("director")
def letter_finalize(document_id: int):
    """Show the letter exactly as it will be kept, then (confirmed) make it final: kept as PDF
    with its SHA-256, never changed again."""
    document = _draft_letter_or_404(document_id)
    if document.is_final:
        return redirect(url_for(".download", document_id=document.id))
    form = FinalizeForm()
    if request.method == "GET":
        form.shown.data = sha256(service.final_draft(db.session, current_user, document))
        return render_template("documents/letter_finalize.html", document=document, form=form)
    return confirm(
        lambda: service.finalize(db.session, current_user, document, shown=form.shown.data),
        form=form,
        done=lambda final: (
            f"Final. The letter is kept with case {final.case.reference}; SHA-256 "
            f"{final.sha256[:16]}…"
        ),
        to=_documents_page(document.case_id),
        back=url_for(".letter_finalize", document_id=document.id),
    )


@bp.route("/<document:document_id>/final.pdf")
@allow("director")
def letter_final_pdf(document_id: int):
    """The draft exactly as 'Make final' would keep it, not kept; the confirmation page shows
    it in a frame of its own (this page's answer may be framed by this site only)."""
    document = _draft_letter_or_404(document_id)
    if document.is_final:
        return redirect(url_for(".download", document_id=document.id))
    response = pdf_response(
        service.final_draft(db.session, current_user, document), document.file_name
    )
    _draft_viewed(document)
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _draft_letter_or_404(document_id: int):
    """A letter of a case the Director may see (a document of another kind has no draft)."""
    document = _document_or_404(document_id)
    if not document.kind_enum.is_letter:
        abort(404)
    return document


@bp.route("/<document:document_id>/delete", methods=["GET", "POST"])
@allow("director")
def letter_delete(document_id: int):
    """Throw away a draft, once asked: are you sure?"""
    document = _document_or_404(document_id)
    if document.is_final:
        return redirect(url_for(".download", document_id=document.id))
    if request.method == "GET":
        return render_template(
            "documents/letter_delete.html", document=document, confirm=ConfirmForm()
        )
    return confirm(
        lambda: service.delete_draft(db.session, current_user, document),
        done="Draft deleted.",
        to=_documents_page(document.case_id),
    )


@bp.route("/<document:document_id>.pdf")
@allow("director")
def download(document_id: int):
    """The kept PDF of a final document (a draft opens its preview)."""
    document = _document_or_404(document_id)
    if not document.is_final:
        return redirect(url_for(".letter_preview", document_id=document.id))
    return _kept(document, document.file_name)


def _kept(document, file_name: str):
    """The kept PDF, or a refusal when its bytes no longer match its SHA-256."""
    data = keep(service.kept_pdf(db.session, current_user, document))
    if data is None:
        return render_template("errors/400.html", reason=MISMATCH), 409
    return pdf_response(data, file_name)


MISMATCH = (
    "This document's stored bytes no longer match the SHA-256 recorded when it was made final, "
    "so it is not served. Tell the administrator: the database was changed outside the app."
)


@bp.route(
    "/case/<case:case_id>/productions/<production:production_id>/certificate", methods=["POST"]
)
@allow("director")
def certificate(case_id: int, production_id: int):
    """Issue (once) the certificate of a production, and open it."""
    case = _case_or_404(case_id)
    production = found(facts.production_of(db.session, case, production_id))
    if production.id != production_id:
        abort(404)
    return confirm(
        lambda: service.production_certificate(db.session, current_user, production),
        done=None,
        to=lambda document: url_for(".download", document_id=document.id),
        back=url_for(".case_documents", case_id=case.id),
    )


@bp.route("/annual-report", methods=["GET", "POST"])
@allow("director")
def annual_report():
    """Choose a year and issue the annual report to the board; the reports issued so far."""
    form = ReportYearForm()
    if not form.is_submitted():
        form.year.data = clock.today().year - 1  # in January the board wants last year
    return submit(
        form,
        lambda: service.annual_report(db.session, current_user, form.year.data),
        done=None,
        to=lambda document: url_for(".download", document_id=document.id),
        page=lambda: render_template(
            "documents/annual_report_form.html",
            form=form,
            reports=service.annual_reports(db.session, current_user),
        ),
    )


@bp.route("/desk-card.pdf")
@allow("staff", "supervisor", "director")
def desk_card():
    """The desk card: one printable page, what to do for every kind of visit (the intake page's
    words)."""
    return pdf_response(desk.desk_card(), "desk-card.pdf")


@bp.route("/receipts/<case:case_id>.pdf")
@allow("staff", "supervisor", "director")
def receipt_pdf(case_id: int):
    """The receipt of a request the signed-in person logged, as PDF (kept with the case)."""
    document = keep(found(desk.receipt(db.session, current_user, case_id)))  # kept when first drawn
    return _kept(document, f"receipt-{document.case.reference}.pdf")
