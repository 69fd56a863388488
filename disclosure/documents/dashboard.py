"""The Director's dashboard panels from the documents area (issue 7, item 6): deadlines this
week, patron requests due, and requests per month over the past year. The cases and holds areas
register their own panels (open cases by kind and urgency; holds expiring; the last purge).
Every case query goes through cases/visibility.case_filter."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from disclosure import areas, clock
from disclosure.cases.models import Case
from disclosure.cases.visibility import case_filter
from disclosure.documents import charts
from disclosure.documents import facts as F

WEEK = 7


@dataclass(frozen=True)
class Deadline:
    """Something due on a case: when, what, and whether it has passed."""

    due: date
    case: Case
    what: str

    @property
    def overdue(self) -> bool:
        return self.due < clock.today()

    @property
    def days_left(self) -> int:
        return (self.due - clock.today()).days


def deadlines_this_week(session: Session, user) -> list[Deadline]:
    """Open cases' deadlines from now to seven days ahead, and any already missed, soonest first:
    a subpoena's return date, counsel's review date, an exigent case's paper."""
    today = clock.today()
    horizon = today + timedelta(days=WEEK)
    visible_open = and_(Case.closed_at.is_(None), case_filter(user, session=session))
    found: list[Deadline] = []
    for case in session.scalars(select(Case).where(visible_open, Case.return_date.is_not(None), Case.return_date <= horizon,
                                                   Case.decision.is_(None))):
        found.append(Deadline(case.return_date, case, f"Return date of the {F.kind_label(case.kind).lower()}"))
    for case in session.scalars(select(Case).where(visible_open, Case.counsel_due_on.is_not(None),
                                                   Case.counsel_due_on <= horizon, Case.decision.is_(None))):
        found.append(Deadline(case.counsel_due_on, case, "Counsel's review due"))
    paper_by = clock.end_of_local_day(horizon)
    for case in session.scalars(select(Case).where(visible_open, Case.paperwork_due_at.is_not(None),
                                                   Case.paperwork_received_at.is_(None), Case.paperwork_due_at < paper_by)):
        found.append(Deadline(clock.local(case.paperwork_due_at).date(), case, "Officer's paper due after an emergency release"))
    return sorted(found, key=lambda d: (d.due, d.case.year, d.case.number))


def requests_per_month(session: Session, user, months: int = 12) -> list[tuple[str, int]]:
    """Requests received in each of the last `months` months at the library (this one included)."""
    today = clock.today()
    firsts = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    firsts.reverse()
    start = clock.start_of_local_day(firsts[0])
    received = session.scalars(select(Case.received_at).where(Case.received_at >= start,
                                                              case_filter(user, session=session))).all()
    counts = {first: 0 for first in firsts}
    for moment in received:  # one small column; a library gets a handful of requests a month
        local = clock.local(moment).date()
        counts[date(local.year, local.month, 1)] = counts.get(date(local.year, local.month, 1), 0) + 1
    return [(first.strftime("%b") + (f" {first.strftime('%y')}" if first.month == 1 else ""), counts[first])
            for first in firsts]


def patron_requests_due(session: Session, user, days: int = WEEK) -> list:
    """Patrons' requests not yet answered, due within `days` days or overdue, soonest first."""
    models = areas.optional_module("patrons", "models")
    if models is None:
        return []
    Request = models.PatronRequest
    horizon = clock.today() + timedelta(days=days)
    return list(session.scalars(select(Request).where(Request.compiled_at.is_(None), Request.due_on <= horizon,
                                                      *_open_request(models)).order_by(Request.due_on, Request.id)))


def _open_request(models) -> list:
    statuses = getattr(models, "OPEN_STATUSES", None)
    return [models.PatronRequest.status.in_(statuses)] if statuses else []


def deadlines_panel(session: Session, user) -> dict:
    """Context of the 'Deadlines this week' panel."""
    return {"documents_deadlines": deadlines_this_week(session, user)}


def patron_requests_panel(session: Session, user) -> dict:
    """Context of the 'Patron requests due' panel."""
    return {"documents_patron_requests": patron_requests_due(session, user),
            "documents_patrons_available": areas.optional_module("patrons", "models") is not None}


def chart_panel(session: Session, user) -> dict:
    """Context of the 'Requests per month' panel: the chart and its numbers."""
    points = requests_per_month(session, user)
    return {"documents_month_points": points,
            "documents_month_chart": charts.column_chart(points, title="Requests received per month, past year",
                                                         width=720, height=200)}
