"""The Director's letters: what each needs to know, the text a draft starts with, and what its
template is drawn from. The prefilled text says only what the records and the law say
(docs/rules.md, "Counsel and decisions" and "Preservation holds"); the Director edits it before
signing. Facts a letter must get right (dates, counts, hashes) come from the database at drawing
time and are not part of the editable text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.cases.models import Case, CaseKind, Decision, Production
from disclosure.dates import local_date, local_datetime
from disclosure.documents import facts as F
from disclosure.documents.models import Document, DocumentKind
from disclosure.errors import DomainError

K = DocumentKind

# docs/rules.md R-process-in-proper-form: the library's rule for any government agency, in
# several letters.
PROCESS_RULE = (
    "Library records, including any record that identifies a person as having requested, used or "
    "borrowed library materials or services, are confidential under state law and the policy of "
    "the library's Board of Trustees. The library makes them available to a government agency "
    "only under a subpoena, warrant, court order or other investigatory document issued by a "
    "court of competent jurisdiction that shows good cause and is in proper form."
)
NO_WAIVER = (
    "Nothing in this letter waives any right or objection of the library with respect to this or "
    "any later request."
)


@dataclass
class Facts:
    """What a letter is about beyond its case: kept in Document.params (ids and dates only)."""

    params: dict = field(default_factory=dict)
    production: Production | None = None
    hold: object | None = None
    reasons: list[str] = field(default_factory=list)


# The letter a decision calls for, offered first on the case's letters page.
_LETTER_FOR_DECISION = {
    Decision.COMPLY.value: DocumentKind.COMPLIANCE_COVER,
    Decision.COMPLY_IN_PART.value: DocumentKind.COMPLIANCE_COVER,
    Decision.NO_RESPONSIVE_RECORDS.value: DocumentKind.NO_RESPONSIVE_RECORDS,
    Decision.REFUSE_IMPROPER.value: DocumentKind.REFUSAL_IMPROPER,
    Decision.PROPER_PROCESS_REQUIRED.value: DocumentKind.PROPER_PROCESS_REQUIRED,
}


def suggested_for(case: Case, *, has_production: bool) -> DocumentKind | None:
    """The letter the case most likely needs next: from the decision, else from its kind; None
    when no letter clearly fits yet (a challenge, a warrant not yet decided, nothing produced)."""
    if (
        case.kind == CaseKind.EXIGENT.value
        and case.paperwork_due_at
        and not case.paperwork_received_at
    ):
        return DocumentKind.EXIGENT_FOLLOW_UP
    suggested = _LETTER_FOR_DECISION.get(case.decision or "")
    if suggested == DocumentKind.COMPLIANCE_COVER and not has_production:
        suggested = None  # a cover letter needs the production it covers
    if suggested is None and case.kind == CaseKind.PRESERVATION.value:
        return DocumentKind.PRESERVATION_CONFIRMED
    if suggested is None and case.kind == CaseKind.INFORMAL.value:
        return DocumentKind.PROPER_PROCESS_REQUIRED  # an informal request is answered so
    return suggested


def gather(session: Session, case: Case, kind: DocumentKind, params: dict) -> Facts:
    """The facts a letter of `kind` needs, or a DomainError saying what is missing."""
    facts = Facts(params={})
    if kind == K.COMPLIANCE_COVER:
        facts.production = F.production_of(session, case, params.get("production_id"))
        if facts.production is None:
            raise DomainError(
                "Record the production first: the cover letter describes what was produced.",
                field="kind",
            )
        facts.params["production_id"] = facts.production.id
    elif kind in (K.PRESERVATION_CONFIRMED, K.PRESERVATION_RENEWED):
        facts.hold = F.hold_of(session, case, params.get("hold_id"))
        if facts.hold is None:
            raise DomainError(
                "Place the preservation hold first: the letter confirms what is preserved and "
                "until when.",
                field="kind",
            )
        if kind == K.PRESERVATION_RENEWED and not F.hold_renewed(facts.hold):
            raise DomainError(
                "The hold has not been renewed. Renew it first, then write the letter.",
                field="kind",
            )
        facts.params["hold_id"] = facts.hold.id
    elif kind == K.EXIGENT_FOLLOW_UP:
        if case.paperwork_due_at is None:
            raise DomainError(
                "This case has no paper due from the officer (only an emergency release has).",
                field="kind",
            )
    elif kind == K.REFUSAL_IMPROPER:
        facts.reasons = F.refusal_reasons(session, case)
        if not facts.reasons:
            raise DomainError(
                "Counsel's checklist names no defect and the decision gives no reason: a refusal "
                "must say why.",
                field="kind",
            )
    return facts


def _recall(session: Session, document: Document) -> Facts:
    facts = Facts(params=dict(document.params or {}))
    case = document.case
    if "production_id" in facts.params:
        facts.production = F.production_of(session, case, facts.params["production_id"])
    if "hold_id" in facts.params:
        facts.hold = F.hold_of(session, case, facts.params["hold_id"])
    if document.kind == K.REFUSAL_IMPROPER.value:
        facts.reasons = F.refusal_reasons(session, case)
    return facts


# ---- the text a draft starts with --------------------------------------------------------------


# Letters write dates out in full ("November 23, 2026"), as a letter does.
def _day(value: date | datetime | None) -> str:
    return local_date(value, "%B %-d, %Y")


def _moment(value: datetime) -> str:
    return local_datetime(value, "%B %-d, %Y at %-I:%M %p")


def addressee_of(case: Case) -> str:
    """The officer's name, badge, agency and jurisdiction, one per line."""
    name = case.officer_name + (f" (badge {case.officer_badge})" if case.officer_badge else "")
    lines = [name, case.officer_agency, case.officer_jurisdiction or "", case.officer_contact or ""]
    return "\n".join(line for line in lines if line.strip())


def process_words(case: Case) -> str:
    """'the subpoena (docket 24-CR-1187) issued by the Circuit Court of Jefferson County on March 3,
    2026'."""
    if case.kind in (CaseKind.INFORMAL.value, CaseKind.EXIGENT.value, CaseKind.PRESERVATION.value):
        return f"your {F.kind_label(case.kind).lower()}"
    words = f"the {F.kind_label(case.kind).lower()}"
    if case.docket_number:
        words += f" (docket {case.docket_number})"
    if case.court:
        words += (
            f" issued by the {case.court}"
            if not case.court.lower().startswith("the ")
            else f" issued by {case.court}"
        )
    if case.issued_on:
        words += f" on {_day(case.issued_on)}"
    return words


def _process_short(case: Case) -> str:
    """'Subpoena 26JE-CR00412' for subject lines."""
    return F.kind_label(case.kind) + (f" {case.docket_number}" if case.docket_number else "")


def _sought(case: Case) -> str:
    return (case.records_sought or "library records").strip().rstrip(".")


def prefill(case: Case, kind: DocumentKind, facts: Facts) -> tuple[str, str, str]:
    """(addressee, subject, body) for a new draft of `kind`."""
    received = _day(case.received_at)
    subject = {
        K.PROPER_PROCESS_REQUIRED: "Your request for library records",
        K.REFUSAL_IMPROPER: f"{_process_short(case)}: the library declines to produce records",
        K.COMPLIANCE_COVER: f"{_process_short(case)}: records produced",
        K.NO_RESPONSIVE_RECORDS: f"{_process_short(case)}: no responsive records",
        K.PRESERVATION_CONFIRMED: "Preservation of library records confirmed",
        K.PRESERVATION_RENEWED: "Preservation of library records renewed (final extension)",
        K.EXIGENT_FOLLOW_UP: "Emergency request: legal process still due",
    }[kind]
    greeting = f"Dear {case.officer_name}:"
    paragraphs = [greeting, *_BODIES[kind](case, facts, received)]
    return addressee_of(case), subject, "\n\n".join(paragraphs)


def _proper_process(case: Case, facts: Facts, received: str) -> list[str]:
    return [
        f"On {received}, you asked the library for the following records: {_sought(case)}.",
        PROCESS_RULE,
        "Your request did not come with such process, so the library cannot provide the records "
        "you asked for. If you obtain legal process, please serve it on me as Director. Every "
        "such request is answered by the Director after consulting the library's legal counsel.",
        NO_WAIVER,
    ]


def _refusal(case: Case, facts: Facts, received: str) -> list[str]:
    return [
        f"On {received}, you presented {process_words(case)}, seeking the following records: "
        f"{_sought(case)}.",
        "After consulting the library's legal counsel, the library declines to produce these "
        "records because the process is not in proper form:",
        "\n".join(f"- {reason}" for reason in facts.reasons),
        PROCESS_RULE,
        "The library will promptly review any process that corrects these defects.",
        NO_WAIVER,
    ]


def _compliance(case: Case, facts: Facts, received: str) -> list[str]:
    in_part = case.decision == Decision.COMPLY_IN_PART.value
    paragraphs = [
        f"In response to {process_words(case)}, which you presented on {received}, the library "
        f"produces {'part of ' if in_part else ''}the records you asked for. They are listed in "
        "the enclosure below and in the enclosed certificate of production, which gives the "
        "SHA-256 fingerprint of each file so that you can check that the files are complete and "
        "unchanged.",
    ]
    if in_part:
        reason = (case.decision_reason or "").strip()
        paragraphs.append(
            "The library withholds the remainder of the records requested"
            + (f": {reason.rstrip('.')}." if reason else ".")
        )
    paragraphs += [
        "These are confidential library records, produced solely in response to this process. "
        "Please limit their use and further disclosure to the purpose for which the process was "
        "issued.",
        NO_WAIVER,
    ]
    return paragraphs


def _no_records(case: Case, facts: Facts, received: str) -> list[str]:
    return [
        f"On {received}, you presented {process_words(case)}, seeking the following records: "
        f"{_sought(case)}.",
        "The library has searched its records and has no records responsive to your request.",
        "The library keeps records that identify its users only as long as its published "
        "retention schedule provides, and deletes them after that period.",
        NO_WAIVER,
    ]


def _preservation(case: Case, facts: Facts, received: str) -> list[str]:
    hold = facts.hold
    return [
        f"At your request of {_day(F.hold_requested_at(hold))}, the library is preserving the "
        f"records described below until {_day(F.hold_until(hold))}, pending the issuance of a "
        "court order or other legal process.",
        "Preserving records does not release them. " + PROCESS_RULE,
        "You may ask once for up to 90 more days. The library cannot preserve the records for "
        "more than 180 days in all. When the preservation ends, the records are handled again "
        "under the library's normal retention schedule, unless the library has received a court "
        "order by then.",
    ]


def _renewal(case: Case, facts: Facts, received: str) -> list[str]:
    hold = facts.hold
    return [
        f"At your request of {_day(F.hold_renewal_requested_at(hold))}, the library has extended "
        f"the preservation of the records described below until {_day(F.hold_until(hold))}.",
        "This is the one extension the library grants: records are preserved for no more than 180 "
        "days in all, and no further renewal is possible. Unless the library receives a court "
        f"order or other legal process by {_day(F.hold_until(hold))}, the records will then be "
        "handled under the library's normal retention schedule.",
        "Preserving records does not release them. " + PROCESS_RULE,
    ]


def _exigent(case: Case, facts: Facts, received: str) -> list[str]:
    waiver = getattr(case, "waiver", None)
    released = (
        f" The library released: {waiver.released.strip().rstrip('.')}."
        if waiver and waiver.released
        else ""
    )
    return [
        f"On {_moment(case.received_at)}, you asked the library for the following records on an "
        f"emergency basis: {_sought(case)}.",
        "Upon the advice of the library's legal counsel, the library waived its requirement of "
        "legal process and responded immediately, on the understanding that the appropriate "
        "documents would be provided afterwards (policy of the Board of Trustees on exigent "
        f"requests).{released}",
        "The library has not yet received a subpoena, warrant, court order or other investigatory "
        "document issued by a court of competent jurisdiction covering those records. "
        + _when_the_paper_is_due(case.paperwork_due_at)
        + " The library keeps this matter open until it is received.",
    ]


def _when_the_paper_is_due(due: datetime) -> str:
    """A date still ahead is asked for; one gone by is said to be past, not asked for again."""
    if due <= clock.now():
        return f"It has been overdue since {_moment(due)}: please provide it now."
    return f"Please provide it no later than {_moment(due)}."


_BODIES = {
    K.PROPER_PROCESS_REQUIRED: _proper_process,
    K.REFUSAL_IMPROPER: _refusal,
    K.COMPLIANCE_COVER: _compliance,
    K.NO_RESPONSIVE_RECORDS: _no_records,
    K.PRESERVATION_CONFIRMED: _preservation,
    K.PRESERVATION_RENEWED: _renewal,
    K.EXIGENT_FOLLOW_UP: _exigent,
}


# ---- drawing ----------------------------------------------------------------------------------


def blocks(body: str) -> list[tuple[str, object]]:
    """The letter text as blocks: ('p', text) for a paragraph, ('ul', [items]) for lines starting '-
    '."""
    result = []
    for chunk in (body or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in chunk.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("- ") for line in lines):
            result.append(("ul", [line.lstrip()[2:].strip() for line in lines]))
        else:
            result.append(("p", " ".join(line.strip() for line in lines)))
    return result


def context(session: Session, document: Document, signer=None, *, final: bool = False) -> dict:
    """Everything a letter's template draws from: the case, the edited text, the facts, the
    signer."""
    facts = _recall(session, document)
    case = document.case
    signer = document.finalized_by or signer or document.created_by
    return {
        "document": document,
        "case": case,
        "reference": case.reference,
        "draft": not (final or document.is_final),
        "dated": clock.local(document.finalized_at or clock.now()).date(),
        "addressee_lines": [
            line for line in (document.addressee or "").split("\n") if line.strip()
        ],
        "subject": document.subject,
        "blocks": blocks(document.body),
        "signer": signer,
        "signer_title": F.director_title(session, signer),
        "process": F.kind_label(case.kind)
        + (f", docket {case.docket_number}" if case.docket_number else ""),
        "production": F.production_summary(session, facts.production) if facts.production else None,
        "hold": F.hold_summary(session, facts.hold) if facts.hold is not None else None,
    }
