"""Reminders to the Director: a hold ending in 14, 7 and 1 days (so that the agency can be asked
in time whether it renews) and holds that have ended. Each job is safe to run twice: a
reminder is sent once per deadline (notify/reminders.py; its key names the hold's end, so a
renewal arms new ones). A case's own deadlines are the cases area's (cases/reminders.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.cases import gag
from disclosure.cases.models import Case
from disclosure.holds import coverage
from disclosure.holds.models import Hold
from disclosure.notify import reminders

HOLD_REMINDER_DAYS = (14, 7, 1)


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
        gag.tell_directors(
            session,
            hold.case,
            f"The hold for case {hold.case.reference} has ended; its records follow the retention "
            "schedule again.",
            link=reminders.path("holds.detail", hold_id=hold.public_id),
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
        if reminders.due_threshold(session, key, days_left, HOLD_REMINDER_DAYS) is None:
            continue
        renew = "" if hold.renewed_at else " The agency may renew it once."
        gag.tell_directors(
            session,
            hold.case,
            f"The hold for case {hold.case.reference} ends {reminders.in_days(days_left)} "
            f"({clock.local(hold.expires_at):%-d %b %Y}).{renew}",
            link=reminders.path("holds.detail", hold_id=hold.public_id),
            urgent=days_left <= 1,
        )
        sent += 1
    return sent
