"""The supervisors' weekly summary of the desk's work with patrons' records (docs/rules.md
R-desk-weekly-summary): per staff member they supervise, how many reports were compiled after
their ID check, printed by them at the desk, and released by them on a consent. Counts and
account numbers only: it is e-mailed, and an e-mail carries no personal data."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import clock, dates
from disclosure.audit.models import AuditEvent
from disclosure.auth.models import User
from disclosure.notify import service as notify
from disclosure.notify.models import SentReminder

# What the summary counts: the audit events of the desk's work, in the order it lists them.
COUNTED = {
    "patron_request.verified": "report(s) compiled after their ID check",
    "patron_report.printed": "printed at the desk",
    "consent.released": "released on a consent",
}


def last_week(today: date) -> tuple[date, date]:
    """The Monday and the Sunday of the library's week before the one `today` is in."""
    monday = today - timedelta(days=today.weekday()) - timedelta(days=7)
    return monday, monday + timedelta(days=6)


def counts_by_staff(session: Session, staff_ids: list[int], first: date, last: date) -> Counter:
    """(staff id, action) -> how many of COUNTED happened from `first` to `last` (library days)."""
    rows = session.execute(
        select(AuditEvent.actor_user_id, AuditEvent.action, func.count())
        .where(
            AuditEvent.actor_user_id.in_(staff_ids),
            AuditEvent.action.in_(COUNTED),
            AuditEvent.at >= clock.start_of_local_day(first),
            AuditEvent.at < clock.end_of_local_day(last),
        )
        .group_by(AuditEvent.actor_user_id, AuditEvent.action)
    )
    return Counter({(actor, action): count for actor, action, count in rows})


def _lines(staff: list[User], counts: Counter) -> list[str]:
    return [
        f"Account {member.id}: "
        + ", ".join(f"{counts[(member.id, action)]} {words}" for action, words in COUNTED.items())
        for member in staff
    ]


def send_weekly_summaries(session: Session) -> int:
    """Put last week's summary in the inbox (and e-mail) of each supervisor with staff to
    supervise; returns how many were sent. Safe to run twice: each is sent once a week."""
    first, last = last_week(clock.today())
    sent = 0
    supervisors = session.scalars(
        select(User).where(User.role == "supervisor", User.is_enabled.is_(True)).order_by(User.id)
    )
    for supervisor in supervisors:
        staff = list(
            session.scalars(
                select(User).where(User.supervisor_id == supervisor.id).order_by(User.id)
            )
        )
        key = f"desk-summary:{supervisor.id}:{first.isoformat()}"
        if not staff or session.scalar(select(SentReminder.id).where(SentReminder.key == key)):
            continue
        counts = counts_by_staff(session, [member.id for member in staff], first, last)
        notify.notify(
            session,
            supervisor,
            f"The desk's week with patrons' records, {dates.local_date(first)} to "
            f"{dates.local_date(last)}",
            "\n".join(_lines(staff, counts)),
        )
        session.add(SentReminder(key=key, sent_at=clock.now()))
        sent += 1
    return sent
