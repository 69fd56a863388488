"""What the cases area adds to the app: its pages, the home panels of the Director, the desk and
counsel, its timeline, the gag and deadline jobs, and the one visibility rule for notifications
about a case (asked by the notify area, which sits below this one)."""

from __future__ import annotations

from disclosure.areas import Area, Job, Panel
from disclosure.cases import gag, reminders, timeline, views, visibility
from disclosure.cases.models import Case, CaseDocument, Production
from disclosure.notify import service as notify
from disclosure.public_ids import converter_for


def gag_expiry(session) -> str:
    """Lift the gags whose orders ran out: the case returns to the normal rules, on its timeline."""
    return f"{gag.lift_expired_gags(session)} gag order(s) expired"


def deadline_reminders(session) -> str:
    """Remind the Director of case deadlines 7 days before, the day before and on the day."""
    return f"{reminders.send_case_deadline_reminders(session)} deadline reminder(s)"


AREA = Area(
    "cases",
    blueprints=(views.bp,),
    converters={
        "case": converter_for(Case),
        "production": converter_for(Production),
        "scan": converter_for(CaseDocument),
    },
    jobs=(
        Job("gag-expiry", "cron", {"hour": 0, "minute": 20}, gag_expiry),
        Job("case-reminders", "cron", {"minute": 10}, deadline_reminders),
    ),
    panels=(
        Panel("director", "cases/_home_director.html", views._director_panel),
        Panel("staff", "cases/_home_desk.html", views._desk_panel),
        Panel("supervisor", "cases/_home_desk.html", views._desk_panel),
        Panel("counsel", "cases/_home_counsel.html", views._counsel_panel),
    ),
    tellings=timeline.EVENTS,
    hooks={
        notify.case_visibility: visibility.notification_filter,
        notify.as_sent_now: gag.as_sent_now,
    },
)
