"""The Director's and counsel's work on a case (docs/rules.md): counsel review, advice,
decision, exigent waiver, documents, close and reopen. Every change writes an audit event with the
case's id in the caller's transaction; nothing here commits.

Every function takes a case the caller loaded through cases.visibility.load_case (the one rule of
who may see a case); the role checks here are the second lock on the door, not the first."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth import service as auth
from disclosure.auth.models import Role, User
from disclosure.cases import gag, uploads
from disclosure.cases.guidance import kind_label
from disclosure.cases.models import (
    CHECKLIST,
    Case,
    CaseKind,
    CaseStatus,
    CounselAdvice,
    Decision,
    DocumentKind,
    ExigentWaiver,
    Recommendation,
)
from disclosure.errors import DomainError
from disclosure.notify.models import Notification

# Counsel recommends in the same words the Director decides in.
DECISION_LABELS = {
    Decision.COMPLY.value: "Comply",
    Decision.COMPLY_IN_PART.value: "Comply in part (narrow the request)",
    Decision.NO_RESPONSIVE_RECORDS.value: "No responsive records",
    Decision.REFUSE_IMPROPER.value: "Refuse: process not in proper form",
    Decision.CHALLENGE.value: "Challenge (motion to quash or modify)",
    Decision.PROPER_PROCESS_REQUIRED.value: "Proper legal process required",
}
RECOMMENDATION_LABELS = {
    Recommendation.COMPLY.value: DECISION_LABELS[Decision.COMPLY.value],
    Recommendation.COMPLY_IN_PART.value: DECISION_LABELS[Decision.COMPLY_IN_PART.value],
    Recommendation.NO_RESPONSIVE_RECORDS.value: DECISION_LABELS[
        Decision.NO_RESPONSIVE_RECORDS.value
    ],
    Recommendation.REFUSE.value: DECISION_LABELS[Decision.REFUSE_IMPROPER.value],
    Recommendation.CHALLENGE.value: DECISION_LABELS[Decision.CHALLENGE.value],
    Recommendation.REQUIRE_PROCESS.value: DECISION_LABELS[Decision.PROPER_PROCESS_REQUIRED.value],
}
STATUS_LABELS = {
    CaseStatus.WITH_DIRECTOR.value: "With the Director",
    CaseStatus.COUNSEL_REVIEW.value: "Counsel review",
    CaseStatus.ADVICE_RECORDED.value: "Advice recorded",
    CaseStatus.DECIDED.value: "Decided",
    CaseStatus.CLOSED.value: "Closed",
}
# Kinds that come with no paper: the only ones for which "proper process required" is an answer.
PAPERLESS_KINDS = frozenset({CaseKind.INFORMAL, CaseKind.EXIGENT})


def _event(session: Session, actor, action: str, case: Case, detail: str = "") -> None:
    audit.record(session, actor, action, "case", case.id, detail=detail, case_id=case.id)


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise DomainError(f"Case {case.reference} is closed. Reopen it first.")


def _require_director(session: Session, user: User) -> None:
    if "director" not in auth.roles_of(session, user):
        raise DomainError("Only the Director (or an acting Director) may do this.")


def record_view(session: Session, user: User, case: Case) -> None:
    """Every view of a case page is in its audit trail (docs/rules.md R-audit-case-views);
    the viewer's notifications about the case are then read."""
    _event(session, user, "case.viewed", case)
    session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == user.id,
            Notification.case_id == case.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=clock.now())
    )


def _status_from_facts(case: Case) -> str:
    if case.closed_at is not None:
        return CaseStatus.CLOSED.value
    if case.decision:
        return CaseStatus.DECIDED.value
    if case.has_counsel_advice:
        return CaseStatus.ADVICE_RECORDED.value
    if case.counsel_id:
        return CaseStatus.COUNSEL_REVIEW.value
    return CaseStatus.WITH_DIRECTOR.value


def _tell(session: Session, recipient: User, case: Case, subject: str, link: str) -> None:
    """A notification about `case` (blanked for a gagged case by the one notification path)."""
    gag.notify_about_case(session, recipient, case, subject, link=link)


def assign_counsel(
    session: Session, director: User, case: Case, counsel: User, due_on: date
) -> None:
    """The Director asks counsel to review the case by `due_on`."""
    _require_director(session, director)
    _require_open(case)
    if counsel is None or counsel.role != Role.COUNSEL.value or not counsel.is_enabled:
        raise DomainError("Choose an active counsel account.", field="counsel_id")
    if due_on is None or due_on < clock.today():
        raise DomainError("Choose a due date from today on.", field="due_on")
    case.counsel_id, case.counsel_due_on = counsel.id, due_on
    case.counsel = counsel
    case.status = _status_from_facts(case)
    _event(
        session,
        director,
        "case.counsel_assigned",
        case,
        f"counsel={counsel.id} due={due_on.isoformat()}",
    )
    _tell(
        session,
        counsel,
        case,
        f"Please review case {case.reference} ({kind_label(case.kind)}) by {due_on:%-d %b %Y}",
        f"/cases/{case.public_id}/advice",
    )


def record_advice(
    session: Session,
    counsel: User,
    case: Case,
    *,
    advice: str,
    recommendation: str,
    checklist: dict[str, bool],
) -> CounselAdvice:
    """Counsel records confidential advice, a recommendation and the legal-process checklist."""
    if case.counsel_id != counsel.id:
        raise DomainError("Only the counsel assigned to this case may record advice.")
    _require_open(case)
    if not (advice or "").strip():
        raise DomainError("Write your advice to the Director.", field="advice")
    if recommendation not in RECOMMENDATION_LABELS:
        raise DomainError("Choose a recommendation.", field="recommendation")
    row = CounselAdvice(
        case_id=case.id,
        counsel_id=counsel.id,
        recorded_at=clock.now(),
        advice=advice.strip(),
        recommendation=recommendation,
        **{name: bool(checklist.get(name)) for name, _label in CHECKLIST},
    )
    session.add(row)
    case.advice.append(row)
    case.status = _status_from_facts(case)
    _event(session, counsel, "case.advice_recorded", case, f"recommendation={recommendation}")
    for director in auth.directors_now(session):
        _tell(
            session,
            director,
            case,
            f"Counsel's advice on case {case.reference} is recorded",
            f"/cases/{case.public_id}",
        )
    return row


def decide(session: Session, director: User, case: Case, decision: str, reason: str = "") -> None:
    """The Director's answer; only after counsel's advice is recorded (docs/rules.md
    R-counsel-before-decision: the Director confers with the library's counsel before
    answering)."""
    _require_director(session, director)
    _require_open(case)
    if decision not in DECISION_LABELS:
        raise DomainError("Choose a decision.", field="decision")
    if not case.has_counsel_advice:
        raise DomainError(
            "Counsel's advice is not recorded yet, so no decision can be recorded. Assign counsel "
            "and wait for the advice (in an emergency, record the exigent waiver with counsel's "
            "advice).",
            field="decision",
        )
    reason = (reason or "").strip()
    if decision == Decision.REFUSE_IMPROPER.value and not reason:
        defects = case.latest_advice.defects_in_words if case.latest_advice else []
        if not defects:
            raise DomainError(
                "Counsel's checklist shows no defect in the process. Say why it is not in proper "
                "form.",
                field="reason",
            )
        reason = "\n".join(defects)  # one per line: the refusal letter lists each once
    if decision == Decision.CHALLENGE.value and not reason:
        raise DomainError(
            "Say how the process will be challenged (for example: motion to quash or modify).",
            field="reason",
        )
    if (
        decision == Decision.PROPER_PROCESS_REQUIRED.value
        and CaseKind(case.kind) not in PAPERLESS_KINDS
    ):
        raise DomainError(
            "The officer presented legal process already; choose another answer.", field="decision"
        )
    if (
        decision in (Decision.COMPLY.value, Decision.COMPLY_IN_PART.value)
        and not case.release_is_lawful
    ):
        # docs/rules.md R-records-only-under-process
        raise DomainError(
            "Nothing may be released to the agency without legal process from a court: attach "
            "the court order first, or answer that proper legal process is required.",
            field="decision",
        )
    case.decision, case.decision_reason = decision, reason or None
    case.decided_at, case.decided_by_id = clock.now(), director.id
    case.status = _status_from_facts(case)
    _event(session, director, "case.decided", case, f"decision={decision}")


# The waiver form's choice for counsel from outside the library's counsel accounts.
OUTSIDE_COUNSEL = "outside"


def record_exigent_waiver(
    session: Session,
    director: User,
    case: Case,
    *,
    counsel_name: str,
    advised_at: datetime | None,
    advice: str,
    by_phone: bool,
    emergency: str,
    released: str,
) -> ExigentWaiver:
    """The Director waives legal process in an emergency, upon counsel's advice only (docs/rules.md
    R-exigent-on-counsels-advice); the officer's paper must follow within the configured days."""
    _require_director(session, director)
    _require_open(case)
    if CaseKind(case.kind) != CaseKind.EXIGENT:
        raise DomainError("A waiver is only for an emergency (exigent) request.")
    if case.waiver is not None:
        raise DomainError("The waiver for this case is recorded already.")
    problems = waiver_problems(
        counsel_name=counsel_name,
        advised_at=advised_at,
        advice=advice,
        emergency=emergency,
        released=released,
    )
    if problems:
        raise problems[0]
    now = clock.now()
    waiver = ExigentWaiver(
        case_id=case.id,
        counsel_name=counsel_name.strip(),
        advised_at=advised_at,
        advice=advice.strip(),
        by_phone=bool(by_phone),
        emergency=emergency.strip(),
        released=released.strip(),
        recorded_at=now,
        recorded_by_id=director.id,
    )
    session.add(waiver)
    case.waiver = waiver
    case.paperwork_due_at = now + timedelta(
        days=current_app.config["SETTINGS"].exigent_paperwork_days
    )
    case.decision, case.decision_reason = (
        Decision.COMPLY.value,
        "Exigent waiver upon counsel's advice.",
    )
    case.decided_at, case.decided_by_id = now, director.id
    case.status = _status_from_facts(case)
    _event(session, director, "case.exigent_waiver", case, f"by_phone={bool(by_phone)}")
    return waiver


def waiver_problems(
    *,
    counsel_name: str | None,
    advised_at: datetime | None,
    advice: str | None,
    emergency: str | None,
    released: str | None,
) -> list[DomainError]:
    """Every part of an exigent waiver still missing or wrong, in the form's order, so the
    Director sees them all at once (docs/rules.md R-exigent-on-counsels-advice)."""
    found = []
    if not (counsel_name or "").strip():
        found.append(
            DomainError(
                "Name the counsel who advised the waiver: the Director may waive process only "
                "upon counsel's advice.",
                field="counsel",
            )
        )
    if advised_at is None or advised_at > clock.now():
        found.append(
            DomainError("Enter when counsel advised (not in the future).", field="advised_at")
        )
    for value, name, message in (
        (
            advice,
            "advice",
            "Record counsel's advice: the Director may waive process only upon counsel's advice.",
        ),
        (emergency, "emergency", "Record the emergency the officer stated."),
        (released, "released", "Record what was released to the officer."),
    ):
        if not (value or "").strip():
            found.append(DomainError(message, field=name))
    return found


def advising_counsel(session: Session, choice: str, outside_name: str | None) -> str:
    """The name a waiver records for the counsel who advised: a counsel account's name, or the
    name typed for outside counsel; empty when neither is given (the waiver then refuses)."""
    if choice == OUTSIDE_COUNSEL:
        name = (outside_name or "").strip()
        return f"{name} (outside counsel)" if name else ""
    accounts = {str(u.id): u.full_name for u in auth.staff_by_role(session, Role.COUNSEL.value)}
    return accounts.get(choice or "", "")


def attach_document(session: Session, director: User, case: Case, scan: uploads.Scan, kind: str):
    """Attach a scan to the case; the officer's follow-up paper ends an exigent case's wait, a court
    order marks the case 'court order received' (which ties a preservation hold to the case)."""
    _require_director(session, director)
    try:
        document_kind = DocumentKind(kind)
    except ValueError:
        raise DomainError("Choose what the document is.", field="kind") from None
    document = uploads.store(session, director, case, scan, document_kind, field="scan")
    if (
        document_kind == DocumentKind.FOLLOW_UP
        and case.paperwork_due_at is not None
        and case.paperwork_received_at is None
    ):
        case.paperwork_received_at = clock.now()
    if document_kind == DocumentKind.COURT_ORDER:
        case.court_order_received = True
    session.flush()
    _event(
        session,
        director,
        "case.document_attached",
        case,
        f"document={document.id} kind={document_kind.value}",
    )
    return document


def close(session: Session, director: User, case: Case, outcome: str) -> None:
    """Close the case with its outcome."""
    _require_director(session, director)
    _require_open(case)
    if not (outcome or "").strip():
        raise DomainError("Write the outcome: what was decided and done.", field="outcome")
    if case.paperwork_due_at is not None and case.paperwork_received_at is None:
        raise DomainError(
            "The officer's paper for this emergency release has not been attached. An exigent "
            "case stays open until it is: attach it as “Officer's follow-up paper”.",
            field="outcome",
        )
    if not case.decision and CaseKind(case.kind) != CaseKind.PRESERVATION:
        raise DomainError("Record a decision before closing the case.", field="outcome")
    case.closed_at, case.closed_by_id, case.outcome = clock.now(), director.id, outcome.strip()
    case.status = CaseStatus.CLOSED.value
    _event(session, director, "case.closed", case)


def reopen(session: Session, director: User, case: Case, reason: str) -> None:
    """Reopen a closed case (a challenge fails, the officer comes back)."""
    _require_director(session, director)
    if case.is_open:
        raise DomainError(f"Case {case.reference} is open already.")
    if not (reason or "").strip():
        raise DomainError("Say why the case is reopened.", field="reason")
    case.closed_at = case.closed_by_id = None
    case.outcome = f"{case.outcome or ''}\nReopened: {reason.strip()}".strip()
    case.status = _status_from_facts(case)
    _event(session, director, "case.reopened", case)
