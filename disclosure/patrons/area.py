"""What the patrons area adds to the app: the portal and the desk's pages, the desk's panel, its
events on a case's timeline, the nightly housekeeping of reports, and what a gag imposed later
means for a report already compiled (cases.gag.case_gagged)."""

from __future__ import annotations

from disclosure import work
from disclosure.areas import Area, Job, Panel
from disclosure.cases import gag
from disclosure.patrons import (
    consent,
    desk_summary,
    desk_views,
    gagging,
    mail,
    service,
    timeline,
    views,
)
from disclosure.patrons.models import ConsentRelease, PatronRequest
from disclosure.public_ids import converter_for


def drop_expired_reports(session) -> str:
    """Delete the content of frozen reports whose download period is over (hashes stay), and of
    any that lists a matter gagged since it was compiled; forget sign-in failure counts older
    than a day."""
    withdrawn = gagging.withdraw_reports_listing_gagged_matters(session)
    emptied = service.drop_expired_report_content(session)
    forgotten = service.forget_old_sign_in_failures(session)
    return (
        f"{emptied} expired patron report(s) emptied, {withdrawn} withdrawn, {forgotten} old "
        "sign-in failure count(s) forgotten"
    )


# The long work of this area, run by the scheduler's process (R-long-work-queued).
WORK = {
    service.REPORT_WORK: service.compile_queued_report,
    consent.RELEASE_WORK: consent.release_queued,
}


def run_queued_work(session) -> str:
    """Compile the reports and releases the desk queued."""
    return work.run_queued(session, WORK)


def send_patron_email(session) -> str:
    """Send the patrons' e-mails waiting in their outbox."""
    return f"{mail.send_pending(session)} patron e-mail(s) sent"


def remind_download_ending(session) -> str:
    """Tell patrons whose report can be downloaded for two more days."""
    return f"{mail.remind_download_ending(session)} download-ending reminder(s) queued"


def send_desk_summaries(session) -> str:
    """Give each supervisor last week's counts of the desk's work with patrons' records."""
    return f"{desk_summary.send_weekly_summaries(session)} weekly desk summary(ies) sent"


AREA = Area(
    "patrons",
    blueprints=(views.bp,),
    converters={
        "patron_request": converter_for(PatronRequest),
        "consent": converter_for(ConsentRelease),
    },
    jobs=(
        Job("drop-expired-patron-reports", "cron", {"hour": 3, "minute": 15}, drop_expired_reports),
        Job("patron-work", "interval", {"seconds": 5}, run_queued_work, own_transactions=True),
        Job(
            "send-patron-email",
            "interval",
            {"minutes": 1},
            send_patron_email,
            own_transactions=True,
        ),
        Job("patron-download-reminders", "cron", {"hour": 8, "minute": 0}, remind_download_ending),
        Job(
            "desk-weekly-summary",
            "cron",
            {"day_of_week": "mon", "hour": 7, "minute": 30},
            send_desk_summaries,
        ),
    ),
    panels=tuple(
        Panel(role, "patrons/_home_desk.html", desk_views._panel_context)
        for role in desk_views.DESK
    ),
    tellings=timeline.EVENTS,
    hooks={gag.case_gagged: gagging.case_gagged},
)
