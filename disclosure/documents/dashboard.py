"""The Director's dashboard panels from the documents area (documents/area.py): deadlines this
week and requests per month over the past year. The other areas give their own panels in their
area.py: open cases by kind and urgency (cases), holds expiring (holds), the last purge
(retention), patron requests due (patrons).
Every case query goes through cases/visibility.case_filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.cases import deadlines, queries
from disclosure.cases.models import Case
from disclosure.cases.view_helpers import open_queue_of_page
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


def deadlines_this_week(session: Session, user, open_cases: list | None = None) -> list[Deadline]:
    """Open cases' deadlines not yet met from today to seven days ahead, and any already missed,
    soonest first. Which dates a case must meet, and when one is met, is the cases area's rule
    (cases/deadlines.py). `open_cases`: the open cases `user` may see, when the page has read
    them already; else only those that may be due are read."""
    horizon = clock.today() + timedelta(days=WEEK)
    if open_cases is None:
        open_cases = queries.open_due_by(session, user, horizon)  # through case_filter
    found = [
        Deadline(d.due, case, f"{d.label} ({F.kind_label(case.kind).lower()})")
        for case in open_cases
        for d in deadlines.pending(case)
        if d.due <= horizon
    ]
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
    received = session.scalars(
        select(Case.received_at).where(
            Case.received_at >= start, case_filter(user, session=session)
        )
    ).all()
    counts = {first: 0 for first in firsts}
    for moment in received:  # one small column; a library gets a handful of requests a month
        local = clock.local(moment).date()
        counts[date(local.year, local.month, 1)] = (
            counts.get(date(local.year, local.month, 1), 0) + 1
        )
    return [
        (
            first.strftime("%b") + (f" {first.strftime('%y')}" if first.month == 1 else ""),
            counts[first],
        )
        for first in firsts
    ]


def deadlines_panel(session: Session, user) -> dict:
    """Context of the 'Deadlines this week' panel, from the open cases the Director's home reads
    once for its queue panel too."""
    return {"documents_deadlines": deadlines_this_week(session, user, open_queue_of_page(user))}


def chart_panel(session: Session, user) -> dict:
    """Context of the 'Requests per month' panel: the chart and its numbers."""
    points = requests_per_month(session, user)
    return {
        "documents_month_points": points,
        "documents_month_chart": charts.column_chart(
            points, title="Requests received per month, past year", width=720, height=200
        ),
    }
