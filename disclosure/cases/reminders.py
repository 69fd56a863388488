"""Reminders to the Director of open cases' deadlines (the return date, counsel's review date,
an exigent case's paperwork): 7 days before, the day before and on the day. Safe to run twice:
each reminder is sent once per deadline (notify/reminders.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.cases import deadlines, gag
from disclosure.cases.models import Case
from disclosure.notify import reminders

CASE_REMINDER_DAYS = (7, 1, 0)
WORDS = {
    "return_date": "the return date",
    "counsel_due_on": "counsel's review is due",
    "paperwork_due_at": "the officer's paperwork is due",
}


def send_case_deadline_reminders(session: Session) -> int:
    """Remind the Director of open cases' deadlines in 7 days, tomorrow, and today (or overdue)."""
    today = clock.today()
    horizon = today + timedelta(days=max(CASE_REMINDER_DAYS))
    cases = session.scalars(
        select(Case).where(
            Case.closed_at.is_(None),
            or_(
                Case.return_date <= horizon,
                Case.counsel_due_on <= horizon,
                and_(
                    Case.paperwork_due_at <= clock.end_of_local_day(horizon),
                    Case.paperwork_received_at.is_(None),
                ),
            ),
        )
    )
    return sum(_remind_deadlines(session, case, today) for case in cases)


def _remind_deadlines(session: Session, case: Case, today) -> int:
    """Send the reminders due now for `case`'s deadlines not yet met; returns how many."""
    sent = 0
    # A deadline that is met (a decision recorded, advice given, the paper received) is not
    # pending and is never reminded of (docs/rules.md R-case-deadlines).
    for deadline in deadlines.pending(case):
        days_left = (deadline.due - today).days
        key = f"case:{case.id}:{deadline.key}:{deadline.due.isoformat()}"
        if reminders.due_threshold(session, key, days_left, CASE_REMINDER_DAYS) is None:
            continue
        when = "was" if days_left < 0 else "is"
        gag.tell_directors(
            session,
            case,
            f"Case {case.reference}: {WORDS[deadline.key]} {when} "
            f"{reminders.in_days(days_left)} ({deadline.due:%-d %b %Y}).",
            link=reminders.path("cases.detail", case_id=case.public_id),
            urgent=days_left <= 1,
        )
        sent += 1
    return sent
