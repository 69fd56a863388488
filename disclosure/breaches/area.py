"""What the breach register adds to the app: its pages, and the job that reminds of the 24-hour
notice (docs/rules.md R-breach-24h)."""

from __future__ import annotations

from disclosure.areas import Area, Job, Panel
from disclosure.audit.telling import Telling
from disclosure.breaches import service, views


def breach_reminders(session) -> str:
    """Remind the Director and the administrators of breaches whose notice is due."""
    return f"{service.send_reminders(session)} breach reminder(s)"


def home_panel(session, _user) -> dict:
    """Open breaches and their clocks, on the home page of the Director and the administrator
    (the panel is drawn only when there is one)."""
    return {"open_breaches": service.open_breaches(session), "breach_service": service}


AREA = Area(
    "breaches",
    blueprints=(views.bp,),
    # every five minutes: a reminder of a 24-hour clock must not wait for the hour
    jobs=(Job("breach-reminders", "cron", {"minute": "*/5"}, breach_reminders),),
    panels=(
        Panel("director", "breaches/_home_panel.html", home_panel),
        Panel("admin", "breaches/_home_panel.html", home_panel),
    ),
    tellings={  # how its events read on the audit page (audit/telling.py)
        "breach.recorded": Telling("Breach recorded"),
        "breach.viewed": Telling("Breach record viewed"),
        "breach.notified": Telling("Breach notice recorded as given"),
        "breach.letter_printed": Telling("Breach notice letter printed"),
        "breach.closed": Telling("Breach closed"),
    },
)
