"""What the retention area adds to the app: the schedule and settings pages, the nightly purge
(a job and a command), the sync of the library system's drop folder half an hour before it, and
the Director's panel of the last purge."""

from __future__ import annotations

from disclosure.areas import Area, Job, Panel, Skipped
from disclosure.audit.telling import Telling
from disclosure.retention import cli, ilsync, service, views
from disclosure.retention.purge import PurgeBusy, recount_holds, run_purge


def purge(session) -> str | Skipped:
    """The nightly purge (retention.purge): batches of its own, one run at a time across every
    scheduler process (a claim under the database lock); then the holds' counts again."""
    try:
        report = run_purge(session.get_bind(), trigger="scheduler")
    except PurgeBusy as busy:
        return Skipped(str(busy))
    recount_holds(session.get_bind())
    gone = sum(r.deleted + r.anonymised for r in report.results.values())
    # what holds preserved stays on the Director's purge history, out of the scheduler's log
    return f"run {report.run_id}: {gone} record(s) deleted or anonymised"


def last_purge_panel(session, user) -> dict:
    """The Director's panel: the most recent purge run, whatever its outcome."""
    return {"last_purge": service.last_run(session)}


AREA = Area(
    "retention",
    blueprints=(views.bp,),
    commands=(cli.purge_command,),
    jobs=(
        Job(
            "ils-sync",
            "cron",
            lambda settings: {"hour": (settings.purge_hour - 1) % 24, "minute": 30},
            ilsync.sync_drop_folder,
        ),
        Job(
            "purge",
            "cron",
            lambda settings: {"hour": settings.purge_hour, "minute": 0},
            purge,
            own_transactions=True,
        ),
    ),
    panels=(Panel("director", "retention/_home_panel.html", last_purge_panel),),
    # how its event reads on the audit page (audit/telling.py)
    tellings={"retention.changed": Telling("Retention period changed")},
)
