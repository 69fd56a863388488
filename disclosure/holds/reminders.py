"""Reminders to the Director: a hold ending in 14, 7 and 1 days (docs/rules.md R-hold-reminders),
holds that have ended, and case deadlines (return date,
counsel's review date, an exigent case's paperwork). Each job is safe to run twice: a reminder
is sent once per deadline (SentReminder keys name the deadline, so a renewal arms new ones)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth.service import directors_now
from disclosure.cases import gag
from disclosure.cases.models import Case
from disclosure.holds import coverage
from disclosure.holds.models import Hold, SentReminder

HOLD_REMINDER_DAYS = (14, 7, 1)
CASE_REMINDER_DAYS = (7, 1, 0)
# docs/rules.md R-gag-notices: a reminder about a gagged case says only the restricted notice.
DEADLINES = {
    "return_date": "the return date",
    "counsel_due_on": "counsel's review is due",
    "paperwork_due_at": "the officer's paperwork is due",
}


def note_ended_holds(session: Session) -> int:
    """Record each hold that has ended on its own (date passed, or its court-order case closed),
    once, and tell the Director: the records it covered go with the next purge."""
    now = clock.now()
    ended = session.scalars(
        select(Hold)
        .join(coverage.C, coverage.C.c.id == Hold.case_id)
        .where(
            Hold.released_at.is_(None), Hold.ended_noted_at.is_(None), ~coverage.active_holds(now)
        )
    )
    count = 0
    for hold in ended:
        hold.ended_noted_at = now
        audit.record(session, None, "hold.expired", "hold", hold.id, case_id=hold.case_id)
        _tell_directors(
            session,
            hold.case,
            f"The hold for case {hold.case.reference} has ended; its records follow the retention "
            "schedule again.",
            _path("holds.detail", hold_id=hold.id),
        )
        count += 1
    return count


def send_hold_reminders(session: Session) -> int:
    """Remind the Director of active holds ending within 14, 7 and 1 days."""
    now = clock.now()
    horizon = now + timedelta(days=max(HOLD_REMINDER_DAYS))
    holds = session.scalars(
        select(Hold)
        .join(coverage.C, coverage.C.c.id == Hold.case_id)
        .where(
            coverage.active_holds(now),
            Hold.expires_at <= horizon,
            ~and_(Case.court_order_received.is_(True), Case.closed_at.is_(None)),
        )
    )
    sent = 0
    for hold in holds:
        days_left = (clock.local(hold.expires_at).date() - clock.today()).days
        key = f"hold:{hold.id}:{hold.expires_at:%Y-%m-%dT%H:%M}"
        due = _due_thresholds(session, key, days_left, HOLD_REMINDER_DAYS)
        if due is None:
            continue
        renew = "" if hold.renewed_at else " The agency may renew it once."
        _tell_directors(
            session,
            hold.case,
            f"The hold for case {hold.case.reference} ends {_in_days(days_left)} "
            f"({clock.local(hold.expires_at):%-d %b %Y}).{renew}",
            _path("holds.detail", hold_id=hold.id),
            urgent=days_left <= 1,
        )
        sent += 1
    return sent


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
    sent = 0
    for case in cases:
        for column, words in DEADLINES.items():
            deadline = getattr(case, column)
            if deadline is None or (
                column == "paperwork_due_at" and case.paperwork_received_at is not None
            ):
                continue
            day = clock.local(deadline).date() if column == "paperwork_due_at" else deadline
            days_left = (day - today).days
            due = _due_thresholds(
                session, f"case:{case.id}:{column}:{day.isoformat()}", days_left, CASE_REMINDER_DAYS
            )
            if due is None:
                continue
            when = "was" if days_left < 0 else "is"
            _tell_directors(
                session,
                case,
                f"Case {case.reference}: {words} {when} {_in_days(days_left)} ({day:%-d %b %Y}).",
                _path("cases.detail", case_id=case.id),
                urgent=days_left <= 1,
            )
            sent += 1
    return sent


def _due_thresholds(session: Session, key: str, days_left: int, thresholds) -> int | None:
    """The threshold to remind for now, or None. A job that missed days sends one reminder (the
    nearest), and marks the earlier thresholds as passed."""
    reached = [d for d in thresholds if days_left <= d]
    if not reached:
        return None
    keys = [f"{key}:{d}" for d in reached]
    already = set(session.scalars(select(SentReminder.key).where(SentReminder.key.in_(keys))))
    nearest = f"{key}:{min(reached)}"
    if nearest in already:
        return None
    session.add_all(SentReminder(key=k, sent_at=clock.now()) for k in keys if k not in already)
    return min(reached)


def _tell_directors(
    session: Session, case: Case, subject: str, link: str | None, urgent: bool = False
) -> None:
    # gag.notify_about_case is the one path that blanks a gagged matter
    for director in directors_now(session):
        gag.notify_about_case(session, director, case, subject, link=link, urgent=urgent)


def _in_days(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


def _path(endpoint: str, **values) -> str | None:
    """The path of a page, or None when that page does not exist (yet) in this app."""
    if endpoint not in current_app.view_functions:
        return None
    return current_app.url_map.bind("localhost").build(endpoint, values)
