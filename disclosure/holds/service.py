"""Preservation holds: place, renew once, release (docs/rules.md R-hold-90-90: 90 days pending a
court order, one renewal of up to 90 more, 180 days in all)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, not_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from disclosure import clock, dates
from disclosure.audit import service as audit
from disclosure.audit import telling
from disclosure.audit.models import AuditEvent
from disclosure.auth.models import User
from disclosure.cases.models import Case, SubjectKind
from disclosure.cases.visibility import case_filter
from disclosure.errors import DomainError
from disclosure.holds import coverage, locks
from disclosure.holds.models import (
    CATEGORY_LABELS,
    Category,
    Hold,
    HoldPatron,
    HoldWorkstation,
    Scope,
)
from disclosure.records.models import Branch, Patron, Workstation

HOLD_DAYS = 90
RENEWAL_MAX_DAYS = 90
TOTAL_MAX_DAYS = 180
EXPIRING_SOON_DAYS = 14


@dataclass
class HoldRequest:
    """What the Director typed to place a hold (card numbers and codes, not ids)."""

    categories: list[str]
    requested_on: date
    requested_by: str
    patron_cards: list[str]
    workstation_codes: list[str]
    branch_id: int | None = None
    window_from: date | None = None  # the first day of the window
    window_to: date | None = None  # the last day, included unless a time ends the window
    window_from_time: time | None = None  # library time; none: from the start of the day
    window_to_time: time | None = None  # library time; none: to the end of the day
    note: str | None = None


def place_hold(
    session: Session, actor, case: Case, request: HoldRequest
) -> tuple[Hold, dict[str, int]]:
    """Place a hold for `case` (already checked visible to `actor`); returns it and how many
    records of each kind it covers now. The caller began with locks.begin_hold_change."""
    if case.closed_at is not None:
        raise DomainError(
            f"Case {case.reference} is closed; a hold belongs to an open case.", field="case_id"
        )
    categories = _categories(request.categories)
    requested_at = _requested_at(request.requested_on)
    if not request.requested_by.strip():
        raise DomainError("Say who asked for the hold (officer and agency).", field="requested_by")
    patrons = _patrons(session, request.patron_cards)
    stations = _workstations(session, request.workstation_codes)
    branch = _branch(session, request.branch_id)
    _check_narrowing(categories, stations, branch)
    window_start, window_end = _window(request)
    locks.hold_lock(session)  # PostgreSQL: wait for a purge batch in progress, then count
    hold = Hold(
        case_id=case.id,
        requested_at=requested_at,
        requested_by=request.requested_by.strip(),
        expires_at=_first_end(session, case, requested_at),
        placed_at=clock.now(),
        placed_by_id=actor.id,
        note=(request.note or "").strip() or None,
        branch_id=branch.id if branch else None,
        window_start=window_start,
        window_end=window_end,
        scope=(
            Scope.PATRONS
            if patrons
            else Scope.WORKSTATIONS
            if stations
            else Scope.BRANCH
            if branch
            else Scope.LIBRARY
        ).value,
    )
    hold.set_categories(categories)
    hold.patrons = [HoldPatron.naming(p) for p in patrons]
    hold.workstations = [HoldWorkstation(workstation_id=w.id) for w in stations]
    session.add(hold)
    session.flush()
    counts = coverage.refresh_counts(session, [hold.id])[hold.id]
    covers = " ".join(f"{kind}={n}" for kind, n in counts.items())
    audit.record(
        session,
        actor,
        "hold.placed",
        "hold",
        hold.id,
        case_id=case.id,
        detail=f"scope={hold.scope} patrons={len(patrons)} workstations={len(stations)} covers "
        f"{covers}",
    )
    return hold, counts


def _first_end(session: Session, case: Case, requested_at):
    """90 days from the request, but never past 180 days from the agency's FIRST preservation
    request in this case (R-hold-90-90): a second hold must not restart the clock. With a court
    order the hold lasts until the case is closed anyway (Hold.is_active)."""
    end = requested_at + timedelta(days=HOLD_DAYS)
    first = session.scalar(select(func.min(Hold.requested_at)).where(Hold.case_id == case.id))
    if first is None or case.court_order_received:
        return end
    latest = first + timedelta(days=TOTAL_MAX_DAYS)
    if latest <= requested_at:
        raise DomainError(
            f"This case's first preservation request was on {clock.local(first):%-d %b %Y}; "
            f"without a court order the library preserves records for at most {TOTAL_MAX_DAYS} "
            f"days from it (until {clock.local(latest):%-d %b %Y}). Keeping them longer needs a "
            "court order.",
            field="case_id",
        )
    return min(end, latest)


def renew_hold(
    session: Session, actor, hold: Hold, *, requested_on: date, requested_by: str, days: int
) -> Hold:
    """The agency's one renewal, by up to 90 days, never past 180 days from the first request."""
    now = clock.now()
    if hold.released_at is not None or not hold.is_active(now):
        raise DomainError(
            "This hold has ended, so it cannot be renewed. Preservation without a court order "
            f"ends {TOTAL_MAX_DAYS} days after the agency's first request at the latest."
        )
    if hold.renewed_at is not None:
        raise DomainError(
            f"This hold was already renewed on {hold.renewed_at:%-d %b %Y}. The library's policy "
            f"allows one renewal (90 + 90 days, {TOTAL_MAX_DAYS} in all); keeping the records "
            "longer needs a court order.",
            field="days",
        )
    if not requested_by.strip():
        raise DomainError(
            "Say who asked for the renewal (officer and agency).", field="requested_by"
        )
    if requested_on > clock.today():
        raise DomainError(
            "The renewal request cannot be dated in the future.", field="requested_on"
        )
    first_asked = clock.local(hold.requested_at).date()
    if requested_on < first_asked:
        # docs/rules.md R-form-dates: a renewal follows the request it renews.
        raise DomainError(
            f"The renewal cannot be dated before the hold itself was requested "
            f"({first_asked:%-d %b %Y}).",
            field="requested_on",
        )
    if days < 1 or days > RENEWAL_MAX_DAYS:
        raise DomainError(
            f"A renewal adds between 1 and {RENEWAL_MAX_DAYS} days: the policy allows 90 days and "
            f"one renewal of up to 90 more, {TOTAL_MAX_DAYS} days in all.",
            field="days",
        )
    new_end = hold.expires_at + timedelta(days=days)
    latest = hold.requested_at + timedelta(days=TOTAL_MAX_DAYS)
    if new_end > latest:
        raise DomainError(
            f"That would keep the records until {clock.local(new_end):%-d %b %Y}, more than "
            f"{TOTAL_MAX_DAYS} days after the agency's request; the latest allowed end is "
            f"{clock.local(latest):%-d %b %Y}.",
            field="days",
        )
    locks.hold_lock(session)
    hold.expires_at = new_end
    hold.renewed_at = now
    hold.renewed_by_id = actor.id
    hold.renewal_requested_by = requested_by.strip()
    hold.renewal_requested_at = (
        now if requested_on == clock.today() else clock.start_of_local_day(requested_on)
    )
    session.flush()
    coverage.refresh_counts(session, [hold.id])
    audit.record(
        session, actor, "hold.renewed", "hold", hold.id, case_id=hold.case_id, detail=f"days={days}"
    )
    return hold


def release_hold(session: Session, actor, hold: Hold, reason: str) -> Hold:
    """The Director ends a hold early, with a reason; the normal schedule resumes."""
    if hold.released_at is not None:
        raise DomainError("This hold was already released.")
    if not hold.is_active():
        raise DomainError("This hold has already ended.")
    if not reason.strip():
        raise DomainError("Give the reason for releasing the hold early.", field="reason")
    hold.released_at = clock.now()
    hold.released_by_id = actor.id
    hold.release_reason = reason.strip()
    session.flush()
    coverage.refresh_counts(session, [hold.id])
    audit.record(session, actor, "hold.released", "hold", hold.id, case_id=hold.case_id)
    return hold


# ---- reading ---------------------------------------------------------------------------------


def visible_holds(session: Session, user):
    """SELECT of the holds on cases `user` may see (the one visibility rule, cases.visibility)."""
    return (
        select(Hold).join(Case, Case.id == Hold.case_id).where(case_filter(user, session=session))
    )


def holds_of_case(session: Session, user, case_id: int) -> list[Hold]:
    """The holds of one case, newest first, if `user` may see the case."""
    return list(
        session.scalars(
            visible_holds(session, user)
            .where(Hold.case_id == case_id)
            .order_by(Hold.requested_at.desc())
        )
    )


def load_hold(session: Session, user, hold_id: int) -> Hold | None:
    """The hold if `user` may see its case, else None (the view answers 404)."""
    return session.scalar(visible_holds(session, user).where(Hold.id == hold_id))


def hold_lists(session: Session, user) -> dict[str, Select]:
    """Visible holds in four lists, each a SELECT in its order (a page of each is shown):
    expiring soon (of the active), active, expired, released."""
    now = clock.now()
    active = coverage.active_holds(now)
    base = _listed(visible_holds(session, user))  # joins cases, which active_holds reads
    kept_by_court_order = and_(Case.court_order_received.is_(True), Case.closed_at.is_(None))
    soon = now + timedelta(days=EXPIRING_SOON_DAYS)
    return {
        "expiring": base.where(active, not_(kept_by_court_order), Hold.expires_at <= soon).order_by(
            Hold.expires_at, Hold.id
        ),
        "active": base.where(active).order_by(Hold.expires_at, Hold.id),
        "expired": base.where(Hold.released_at.is_(None), not_(active)).order_by(
            Hold.expires_at.desc(), Hold.id
        ),
        "released": base.where(Hold.released_at.is_not(None)).order_by(
            Hold.released_at.desc(), Hold.id
        ),
    }


def _listed(query):
    """`query` (holds joined to their cases) loading what a list of holds shows, a few
    statements for the whole list instead of three per hold."""
    return query.options(
        contains_eager(Hold.case),
        joinedload(Hold.branch),
        selectinload(Hold.patrons),
        selectinload(Hold.workstations).joinedload(HoldWorkstation.workstation),
    )


def expiring_soon(session: Session, user, days: int = EXPIRING_SOON_DAYS) -> list[Hold]:
    """Active visible holds ending within `days` (not those a court order keeps open)."""
    now = clock.now()
    query = (
        visible_holds(session, user)
        .where(
            Hold.released_at.is_(None),
            Hold.expires_at > now,
            Hold.expires_at <= now + timedelta(days=days),
            not_(and_(Case.court_order_received.is_(True), Case.closed_at.is_(None))),
        )
        .order_by(Hold.expires_at)
    )
    return list(session.scalars(query))


def timeline(session: Session, hold: Hold) -> list:
    """What happened to the hold, oldest first, told as on the case's timeline: who, when, what
    (the caller has checked the case is visible)."""
    of_hold = (AuditEvent.object_type == "hold", AuditEvent.object_id == hold.id)
    rows = session.execute(
        select(AuditEvent, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(*of_hold, AuditEvent.action != VIEWED)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    # views folded into one entry, as on the case's timeline: a page opened a thousand times
    # reads as one line
    views = session.execute(
        select(AuditEvent.action, User.full_name, func.count(), func.max(AuditEvent.at))
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(*of_hold, AuditEvent.action == VIEWED)
        .group_by(AuditEvent.action, AuditEvent.actor_user_id, User.full_name)
    )
    entries = telling.told(session, rows) + telling.folded_views(views)
    return sorted(entries, key=lambda entry: entry.at)


VIEWED = "hold.viewed"


def cases_for_hold(session: Session, user) -> list[Case]:
    """Open cases `user` may see, preservation requests first, newest first."""
    query = (
        select(Case)
        .where(case_filter(user, session=session), Case.closed_at.is_(None))
        .order_by((Case.kind != "preservation"), Case.received_at.desc())
    )
    return list(session.scalars(query))


def branches(session: Session) -> list[Branch]:
    """Every branch, by name (for the hold form)."""
    return list(session.scalars(select(Branch).order_by(Branch.name)))


def end_of_hold(hold: Hold) -> str:
    """How the hold ends, in words."""
    if hold.released_at is not None:
        return f"Released {clock.local(hold.released_at):%-d %b %Y}"
    if hold.until_case_closed:
        return f"Until case {hold.case.reference} is closed (court order received)"
    return f"{clock.local(hold.expires_at):%-d %b %Y}"


# ---- checks ----------------------------------------------------------------------------------


def _categories(values: list[str]) -> list[Category]:
    try:
        chosen = [Category(v) for v in values]
    except ValueError:
        chosen = []
    if not chosen:
        raise DomainError("Choose at least one kind of record to preserve.", field="categories")
    return chosen


def _requested_at(requested_on: date) -> datetime:
    today = clock.today()
    if requested_on > today:
        raise DomainError("The request cannot be dated in the future.", field="requested_on")
    if requested_on + timedelta(days=HOLD_DAYS) <= today:
        raise DomainError(
            f"A hold requested on {requested_on:%-d %b %Y} would already have ended ({HOLD_DAYS} "
            "days from the request).",
            field="requested_on",
        )
    return clock.now() if requested_on == today else clock.start_of_local_day(requested_on)


def _patrons(session: Session, cards: list[str]) -> list[Patron]:
    wanted = [c.strip() for c in cards if c.strip()]
    found = {
        p.card_number: p
        for p in session.scalars(select(Patron).where(Patron.card_number.in_(wanted)))
    }
    missing = [c for c in wanted if c not in found]
    if missing:
        raise DomainError(
            f"No patron has card number {', '.join(missing)}. Check the number on the agency's "
            "request.",
            field="patron_cards",
        )
    return list(dict.fromkeys(found[c] for c in wanted))


def _workstations(session: Session, codes: list[str]) -> list[Workstation]:
    wanted = [c.strip().upper() for c in codes if c.strip()]
    found = {w.code.upper(): w for w in session.scalars(select(Workstation))} if wanted else {}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise DomainError(
            f"No public computer is called {', '.join(missing)}.", field="workstation_codes"
        )
    return list(dict.fromkeys(found[c] for c in wanted))


def _branch(session: Session, branch_id: int | None) -> Branch | None:
    if not branch_id:
        return None
    branch = session.get(Branch, branch_id)
    if branch is None:
        raise DomainError("Choose a branch from the list.", field="branch_id")
    return branch


def _check_narrowing(categories: list[Category], stations: list, branch) -> None:
    if stations and branch:
        raise DomainError(
            "Name workstations or a branch, not both: each computer belongs to one branch.",
            field="branch_id",
        )
    with_workstation = coverage.categories_with_workstation()
    if stations and set(categories) - with_workstation:
        only = " or ".join(
            CATEGORY_LABELS[c].lower() for c in CATEGORY_LABELS if c in with_workstation
        )
        raise DomainError(
            f"Workstations narrow only {only}. Choose only that kind of record, or place a "
            "second hold for the others.",
            field="workstation_codes",
        )
    if branch:
        with_branch = coverage.categories_with_branch()
        without = [CATEGORY_LABELS[c].lower() for c in categories if c not in with_branch]
        if without:
            raise DomainError(
                f"A branch cannot narrow {' or '.join(without)}: they are not tied to a branch. "
                "Remove the branch or those kinds of record.",
                field="branch_id",
            )


def _window(request: HoldRequest) -> tuple[datetime | None, datetime | None]:
    """The window typed in library time, as UTC instants [start, end) (R-hold-window-times).
    A time the clocks skip is refused; a time that happens twice (the night the clocks go back)
    starts the window at its first occurrence and ends it at its second, so that both are kept."""
    start = _bound(request.window_from, request.window_from_time, "window_from", second=False)
    end = _bound(request.window_to, request.window_to_time, "window_to", second=True)
    if start and end and end <= start:
        raise DomainError("The time window must end after it starts.", field="window_to")
    return start, end


def _bound(day: date | None, at: time | None, field: str, *, second: bool) -> datetime | None:
    if day is None:
        if at is not None:
            raise DomainError("Give the day as well as the time.", field=field)
        return None
    if at is None:
        return clock.end_of_local_day(day) if second else clock.start_of_local_day(day)
    try:
        return clock.at_local(day, at, second=second)
    except clock.NoSuchLocalTime as gap:
        raise DomainError(str(gap), field=f"{field}_time") from None


def window_as_entered(
    start: datetime | None, end: datetime | None
) -> tuple[date | None, time | None, date | None, time | None]:
    """The window [start, end) as the hold form takes it: first day and time, last day and time;
    a bound at midnight is a whole day (no time), an end at midnight the day before it."""
    from_day = from_time = to_day = to_time = None
    if start is not None:
        from_day = clock.local(start).date()
        from_time = None if dates.starts_a_day(start) else clock.local(start).time()
    if end is not None:
        if dates.starts_a_day(end):
            to_day = clock.local(end - timedelta(microseconds=1)).date()
        else:
            to_day, to_time = clock.local(end).date(), clock.local(end).time()
    return from_day, from_time, to_day, to_time


def requested_in(case: Case) -> HoldRequest:
    """A hold as the case's request names it, to prefill the hold form: who asked, the patrons'
    cards, the computers, the time window (the Director checks and completes it)."""
    subjects = case.subjects
    window = next((s for s in subjects if s.kind == SubjectKind.TIME_WINDOW.value), None)
    from_day, from_time, to_day, to_time = window_as_entered(
        window.starts_at if window else None, window.ends_at if window else None
    )
    return HoldRequest(
        categories=[],
        requested_on=clock.local(case.received_at).date(),
        requested_by=", ".join(p for p in (case.officer_name, case.officer_agency) if p),
        patron_cards=[s.value for s in subjects if s.kind == SubjectKind.PATRON.value],
        workstation_codes=[s.value for s in subjects if s.kind == SubjectKind.WORKSTATION.value],
        window_from=from_day,
        window_from_time=from_time,
        window_to=to_day,
        window_to_time=to_time,
    )
