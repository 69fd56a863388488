"""Lists of cases: the Director's queue, counsel's reviews, a case's timeline. Every query goes
through cases.visibility (the one rule); nothing here writes."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from disclosure import clock
from disclosure.audit import telling
from disclosure.audit.models import AuditEvent
from disclosure.auth.models import User
from disclosure.cases import deadlines
from disclosure.cases.models import URGENT_KINDS, Case, CaseKind
from disclosure.cases.visibility import case_filter
from disclosure.records.models import Patron, Workstation


def subjects_not_in_records(session: Session, case: Case) -> set[str]:
    """The card numbers and computer codes the officer named that match no record: a typo at
    the desk, or someone the library does not know. The Director checks them against the paper
    before anything is searched or held."""
    cards = {s.value for s in case.subjects if s.kind == "patron"}
    codes = {s.value for s in case.subjects if s.kind == "workstation"}
    known = (
        set(session.scalars(select(Patron.card_number).where(Patron.card_number.in_(cards))))
        if cards
        else set()
    )
    known |= (
        set(session.scalars(select(Workstation.code).where(Workstation.code.in_(codes))))
        if codes
        else set()
    )
    return (cards | codes) - known


def _urgency(case: Case) -> tuple:
    # Warrant, FISA, NSL and exigent first; then overdue; then new (not yet acted on); then the
    # nearest deadline; then the newest.
    upcoming = deadlines.next_deadline(case)
    return (
        CaseKind(case.kind) not in URGENT_KINDS,
        not deadlines.is_overdue(case),
        case.status != "with_director",
        upcoming.due if upcoming else date.max,
        -case.routed_at.timestamp(),
    )


def _loaded(query):
    # The one waiver and the one counsel come in the cases' own query (a join each): two round
    # trips fewer on the Director's home and queue than a query apiece.
    return query.options(
        selectinload(Case.advice), joinedload(Case.waiver), joinedload(Case.counsel)
    )


def open_queue(session: Session, user: User) -> list[Case]:
    """The open cases `user` may see, most urgent first (the open cases are few: sorted here)."""
    cases = session.scalars(
        _loaded(select(Case).where(Case.closed_at.is_(None), case_filter(user, session=session)))
    )
    return sorted(cases, key=_urgency)


def open_due_by(session: Session, user: User, day: date) -> list[Case]:
    """The open cases `user` may see that may have a deadline not yet met on or before `day`
    (cases.deadlines decides which): the database keeps only those with a date on or before
    it, so the dashboard does not read the whole queue."""
    before = clock.start_of_local_day(day + timedelta(days=1))
    may_be_due = or_(
        and_(Case.return_date <= day, Case.decided_at.is_(None)),
        Case.counsel_due_on <= day,
        and_(Case.paperwork_due_at < before, Case.paperwork_received_at.is_(None)),
    )
    query = select(Case).where(
        Case.closed_at.is_(None), may_be_due, case_filter(user, session=session)
    )
    return list(session.scalars(_loaded(query)))


def recently_closed(session: Session, user: User, limit: int = 20) -> list[Case]:
    """The most recently closed cases `user` may see."""
    query = select(Case).where(Case.closed_at.is_not(None), case_filter(user, session=session))
    return list(session.scalars(query.order_by(Case.closed_at.desc()).limit(limit)))


def counsel_reviews(session: Session, counsel: User) -> list[Case]:
    """The open cases assigned to `counsel`, the earliest due first."""
    query = _loaded(
        select(Case).where(
            Case.counsel_id == counsel.id,
            Case.closed_at.is_(None),
            case_filter(counsel, session=session),
        )
    )
    return sorted(
        session.scalars(query), key=lambda c: (bool(c.advice), c.counsel_due_on or date.max, c.id)
    )


# Viewing the case's pages: folded on the timeline into one entry per kind of view.
# Every page that shows a case's material records a view (docs/rules.md R-audit-every-view).
VIEW_EVENTS = (
    "case.viewed",
    "case.document_viewed",
    "case.production_viewed",
    "case.receipt_viewed",
    "case.release_page_viewed",
    "case.documents_viewed",
    "document.viewed",
    "document.draft_viewed",
    "hold.viewed",
)


def timeline(session: Session, user: User, case_id: int) -> list[telling.TimelineEntry]:
    """Every audit event of the case, oldest first, through the case's visibility (an event of a
    case `user` may not see is not returned); views are counted per person in the database and
    told as one entry each kind, where the last one happened."""
    of_case = (AuditEvent.case_id == case_id, case_filter(user, session=session))
    events = (
        select(AuditEvent, User.full_name)
        .join(Case, Case.id == AuditEvent.case_id)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(*of_case, AuditEvent.action.not_in(VIEW_EVENTS))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    views = (
        select(AuditEvent.action, User.full_name, func.count(), func.max(AuditEvent.at))
        .join(Case, Case.id == AuditEvent.case_id)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(*of_case, AuditEvent.action.in_(VIEW_EVENTS))
        .group_by(AuditEvent.action, AuditEvent.actor_user_id, User.full_name)
    )
    entries = telling.told(session, session.execute(events))
    entries += telling.folded_views(session.execute(views))
    return sorted(entries, key=lambda entry: entry.at)
