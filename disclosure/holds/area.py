"""What the holds area adds to the app: its pages, the Director's panel of holds ending soon,
its events on a case's timeline, and the jobs that note ended holds and remind of ending ones."""

from __future__ import annotations

from disclosure.areas import Area, Job, Panel
from disclosure.cases import productions, view_helpers
from disclosure.holds import cli, preservation, reminders, timeline, views
from disclosure.holds.models import Hold
from disclosure.public_ids import converter_for
from disclosure.records import importer


def hold_expiry(session) -> str:
    """Record holds that have ended (and tell the Director); their records rejoin the schedule."""
    return f"{reminders.note_ended_holds(session)} hold(s) ended"


def hold_reminders(session) -> str:
    """Remind the Director of holds ending in 14, 7 and 1 days."""
    return f"{reminders.send_hold_reminders(session)} hold reminder(s)"


AREA = Area(
    "holds",
    blueprints=(views.bp,),
    converters={"hold": converter_for(Hold)},
    commands=(cli.holds_cli,),
    jobs=(
        Job("hold-expiry", "cron", {"minute": 5}, hold_expiry),
        Job("reminders", "cron", {"minute": 10}, hold_reminders),
    ),
    panels=(Panel("director", "holds/_home_panel.html", views._panel),),
    tellings=timeline.EVENTS,
    hooks={
        view_helpers.case_page_holds: views.case_page_section,
        importer.keep_prior_versions: preservation.keep_prior_versions,
        importer.recount_imported: preservation.recount_imported,
        productions.preserved_copies: preservation.copies_for_production,
    },
)
