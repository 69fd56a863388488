"""The document store: start a letter as a draft, edit it, preview it, make it final; certificates,
receipts and annual reports are final at once. Who may see a case's documents is decided only by
cases/visibility.py (join Case, apply case_filter); a document without a case (the annual report)
is the Director's alone."""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth import service as auth
from disclosure.cases.models import Case, Production
from disclosure.cases.visibility import case_filter
from disclosure.documents import annual, certificate, letters
from disclosure.documents.models import Document, DocumentKind, DocumentStatus
from disclosure.errors import DomainError
from disclosure.pdf import render_pdf, sha256

FINAL_REFUSAL = (
    "This document is final and is kept exactly as it was issued. Start a new draft to say "
    "something else."
)


def _require_director(session: Session, actor) -> None:
    if "director" not in auth.roles_of(session, actor):
        raise DomainError(
            "Only the Director (or an acting Director) issues the library's documents."
        )


def _visible(user, session: Session):
    """WHERE clause on Document (outer-joined to Case): the documents `user` may see."""
    roles = auth.roles_of(session, user)
    caseless = true() if "director" in roles else false()
    return or_(
        and_(Document.case_id.is_(None), caseless),
        and_(Document.case_id.is_not(None), case_filter(user, roles, session)),
    )


def load_document(session: Session, user, document_id: int) -> Document | None:
    """The document if `user` may see it (through its case), else None: the view answers 404."""
    query = (
        select(Document)
        .outerjoin(Case, Case.id == Document.case_id)
        .where(Document.id == document_id, _visible(user, session))
    )
    return session.scalar(query)


def documents_of_case(session: Session, user, case_id: int) -> list[Document]:
    """The documents of a case `user` may see, newest first (none when the case is hidden)."""
    query = (
        select(Document)
        .join(Case, Case.id == Document.case_id)
        .where(Document.case_id == case_id, case_filter(user, session=session))
        .order_by(Document.created_at.desc(), Document.id.desc())
    )
    return list(session.scalars(query))


def _new(
    session: Session, actor, kind: DocumentKind, case: Case | None, title: str, params: dict
) -> Document:
    now = clock.now()
    document = Document(
        case_id=case.id if case else None,
        case=case,
        kind=kind.value,
        title=title,
        status=DocumentStatus.DRAFT.value,
        params=params,
        created_at=now,
        created_by_id=actor.id,
        updated_at=now,
    )
    session.add(document)
    session.flush()
    return document


def start_letter(session: Session, actor, case: Case, kind: DocumentKind, **params) -> Document:
    """A draft letter of `kind` for `case`, its text prefilled from the case (and the production
    or hold named in `params`); the Director edits it before making it final."""
    _require_director(session, actor)
    if not kind.is_letter:
        raise DomainError("That is not a letter.", field="kind")
    facts = letters.gather(session, case, kind, params)  # raises DomainError when facts are missing
    document = _new(
        session,
        actor,
        kind,
        case,
        f"{kind.label.removeprefix('Letter: ').capitalize()} ({case.reference})",
        facts.params,
    )
    document.addressee, document.subject, document.body = letters.prefill(case, kind, facts)
    audit.record(
        session,
        actor,
        "document.drafted",
        "document",
        document.id,
        case_id=case.id,
        detail=f"kind={kind.value}",
    )
    return document


def update_draft(
    session: Session, actor, document: Document, *, addressee: str, subject: str, body: str
) -> Document:
    """Save the Director's edits to a draft; a final document is never changed."""
    _require_director(session, actor)
    if document.is_final:
        raise DomainError(FINAL_REFUSAL)
    if not (body or "").strip():
        raise DomainError("Write the letter: its text cannot be empty.", field="body")
    if not (addressee or "").strip():
        raise DomainError("Say to whom the letter goes.", field="addressee")
    document.addressee = addressee.strip()
    document.subject = (subject or "").strip()[:300]
    document.body = body.strip().replace("\r\n", "\n")
    document.updated_at = clock.now()
    audit.record(
        session, actor, "document.edited", "document", document.id, case_id=document.case_id
    )
    return document


def render(session: Session, document: Document, signer=None, *, final: bool = False) -> bytes:
    """The document as PDF, drawn from its facts now (a final one is served from its stored bytes);
    a draft is marked DRAFT on every page."""
    # Drawn inside the request: a letter (like the certificate) carries counts per kind of
    # record, never the records, so its size does not grow with them (README, "Documents").
    if document.kind_enum.is_letter:
        context = letters.context(session, document, signer, final=final)
        return render_pdf(f"documents/{document.kind}.html", **context)
    raise DomainError("This kind of document is drawn when it is issued; download the kept copy.")


def final_draft(session: Session, actor, document: Document) -> bytes:
    """The draft exactly as making it final now would keep it (signed by `actor`, dated today,
    no DRAFT mark), for the Director to look at before confirming; nothing is kept."""
    _require_director(session, actor)
    if document.is_final:
        raise DomainError(FINAL_REFUSAL)
    return render(session, document, signer=actor, final=True)


def finalize(session: Session, actor, document: Document, shown: str | None = None) -> Document:
    """Make a draft final: render it once more, keep the PDF and its SHA-256; never again
    changed. `shown` is the SHA-256 of the final PDF the Director looked at (final_draft): when
    the letter would now come out otherwise (edited meanwhile, or dated another day), nothing
    is kept and the Director is asked to look again (docs/rules.md R-final-as-shown)."""
    _require_director(session, actor)
    if document.is_final:
        raise DomainError(FINAL_REFUSAL)
    document.finalized_at = clock.now()
    document.finalized_by_id = actor.id
    document.finalized_by = actor
    pdf = render(session, document, signer=actor, final=True)
    if shown is not None and sha256(pdf) != shown:
        raise DomainError(
            "The letter has changed since it was shown to you (its text, or its date). Look at "
            "it again before making it final."
        )
    _keep(document, pdf)
    audit.record(
        session,
        actor,
        "document.finalized",
        "document",
        document.id,
        case_id=document.case_id,
        detail=f"kind={document.kind} sha256={document.sha256}",
    )
    return document


def _keep(document: Document, pdf: bytes) -> None:
    document.pdf = pdf
    document.sha256 = sha256(pdf)
    document.status = DocumentStatus.FINAL.value
    document.updated_at = document.finalized_at


def kept_pdf(session: Session, viewer, document: Document) -> bytes | None:
    """A final document's kept PDF, and an audit event that `viewer` opened it; None when its
    bytes no longer match its SHA-256 (changed behind the app's back): such bytes are never
    served as the library's document (docs/rules.md R-final-documents-unchanged)."""
    matches = document.pdf is not None and sha256(document.pdf) == document.sha256
    audit.record(
        session,
        viewer,
        "document.viewed" if matches else "document.mismatch",
        "document",
        document.id,
        case_id=document.case_id,
        detail=f"kind={document.kind}",
    )
    return document.pdf if matches else None


def delete_draft(session: Session, actor, document: Document) -> None:
    """Throw away a draft nobody signed; a final document stays for good."""
    _require_director(session, actor)
    if document.is_final:
        raise DomainError(FINAL_REFUSAL)
    audit.record(
        session, actor, "document.draft_deleted", "document", document.id, case_id=document.case_id
    )
    session.delete(document)


def issue_final(
    session: Session,
    actor,
    kind: DocumentKind,
    case: Case | None,
    title: str,
    params: dict,
    pdf: bytes,
) -> Document:
    """Keep a document that is final as soon as it is drawn (certificate, receipt, annual
    report)."""
    document = _new(session, actor, kind, case, title, params)
    document.finalized_at = clock.now()
    document.finalized_by_id = actor.id
    _keep(document, pdf)
    audit.record(
        session,
        actor,
        "document.issued",
        "document",
        document.id,
        case_id=case.id if case else None,
        detail=f"kind={kind.value} sha256={document.sha256}",
    )
    return document


def production_certificate(session: Session, actor, production: Production) -> Document:
    """The certificate of production for `production` (the one kept already, if issued before)."""
    _require_director(session, actor)
    existing = session.scalar(
        select(Document).where(
            Document.case_id == production.case_id,
            Document.kind == DocumentKind.PRODUCTION_CERTIFICATE.value,
            Document.params["production_id"].as_integer() == production.id,
        )
    )
    if existing is not None:
        return existing
    pdf = certificate.render(session, production, signer=actor)
    return issue_final(
        session,
        actor,
        DocumentKind.PRODUCTION_CERTIFICATE,
        production.case,
        f"Certificate of production {production.id} ({production.case.reference})",
        {"production_id": production.id},
        pdf,
    )


def annual_report(session: Session, actor, year: int) -> Document:
    """Draw the annual report for `year` and keep it (each issue is kept; the newest is current)."""
    _require_director(session, actor)
    if year > clock.today().year:
        raise DomainError(
            f"{year} has not begun yet. Choose this year or an earlier one.", field="year"
        )
    pdf = annual.render(session, year, signer=actor)
    return issue_final(
        session,
        actor,
        DocumentKind.ANNUAL_REPORT,
        None,
        f"Annual report {year}",
        {"year": year},
        pdf,
    )


def annual_reports(session: Session, user) -> list[Document]:
    """The annual reports issued so far, newest first (the Director's alone)."""
    query = (
        select(Document)
        .where(
            Document.kind == DocumentKind.ANNUAL_REPORT.value,
            Document.case_id.is_(None),
            _visible(user, session),
        )
        .order_by(Document.created_at.desc(), Document.id.desc())
    )
    return list(session.scalars(query))
