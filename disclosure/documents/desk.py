"""The two documents of the front desk: the desk card (one printable page: what to do for every
kind of visit, drawn from cases/guidance.py, the same words the intake page shows, so the two never
disagree) and the receipt of what a clerk logged (through the cases area's receipt lookup)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.cases import intake
from disclosure.cases.guidance import GUIDANCE, directors_to_call
from disclosure.cases.models import Case
from disclosure.db import db
from disclosure.documents.facts import kind_label
from disclosure.documents.models import Document, DocumentKind
from disclosure.documents.service import issue_final
from disclosure.pdf import render_pdf


def desk_card() -> bytes:
    """The desk card as PDF bytes (not kept: it names no case and is printed again when the
    guidance or the Director's phone changes)."""
    return render_pdf(
        "documents/desk_card.html",
        guidance=GUIDANCE,
        contacts=directors_to_call(db.session),
        reference="Desk card",
        printed=clock.today(),
    )


def receipt(session: Session, user, case_id: int) -> Document | None:
    """The receipt PDF of a request `user` logged (None when the cases area's lookup says it is not
    theirs: the view answers 404). Drawn once and kept with the case; a gagged case's receipt
    carries only what the desk may know (reference, kind, when routed)."""
    found = intake.receipt_for(session, user, case_id)
    if found is None:
        return None
    # Authorised by the lookup above (the clerk logged this request), not by case_filter: the
    # receipt is the one thing about a case its clerk keeps seeing (docs/rules.md R-receipt-only).
    kept = session.scalar(
        select(Document)
        .where(
            Document.case_id == found.case_id,
            Document.kind == DocumentKind.RECEIPT.value,
            Document.params["restricted"].as_boolean() == found.restricted,
        )
        .order_by(Document.id.desc())
        .limit(1)
    )
    if kept is not None:
        return kept
    pdf = render_pdf(
        "documents/receipt.html",
        receipt=found,
        reference=found.reference,
        logged_by=user,
        kind_label=kind_label(found.kind),
    )
    case = session.get(Case, found.case_id)
    return issue_final(
        session,
        user,
        DocumentKind.RECEIPT,
        case,
        f"Receipt {found.reference}",
        {"restricted": found.restricted},
        pdf,
    )
