"""What the breach register adds to the app: its pages, and the job that reminds of the 24-hour
notice (docs/rules.md R-breach-24h)."""

from __future__ import annotations

from disclosure.areas import Area, Job
from disclosure.breaches import service, views


def breach_reminders(session) -> str:
    """Remind the Director and the administrators of breaches whose notice is due."""
    return f"{service.send_reminders(session)} breach reminder(s)"


AREA = Area(
    "breaches",
    blueprints=(views.bp,),
    # every five minutes: a reminder of a 24-hour clock must not wait for the hour
    jobs=(Job("breach-reminders", "cron", {"minute": "*/5"}, breach_reminders),),
)
