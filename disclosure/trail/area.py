"""What the whole audit trail adds: the audit page, its CSV (written by the scheduler's process),
`disclosure audit verify`, and the daily anchor of the chain sent to everyone holding the Director's
powers."""

from __future__ import annotations

from disclosure import work
from disclosure.areas import Area, Job
from disclosure.audit.telling import Telling
from disclosure.trail import cli, service, views

# The long work of this area, run by the scheduler's process (docs/rules.md R-long-work-queued).
WORK = {service.EXPORT_WORK: service.export_queued}


def run_queued_work(session) -> str:
    """Write the audit CSVs people asked for."""
    return work.run_queued(session, WORK)


AREA = Area(
    "trail",
    blueprints=(views.bp,),
    commands=(cli.audit_cli,),
    jobs=(
        Job(
            "audit-anchor",
            "cron",
            {"hour": 6, "minute": 15},
            service.send_anchor,
            own_transactions=True,
        ),
        Job(
            "audit-export-work", "interval", {"seconds": 5}, run_queued_work, own_transactions=True
        ),
        Job("audit-exports-deleted", "cron", {"hour": 3, "minute": 40}, service.drop_old_exports),
    ),
    tellings={
        "audit.export_requested": Telling("Audit trail CSV asked for"),
        "audit.exported": Telling("Audit trail CSV written"),
        "audit.export_downloaded": Telling("Audit trail CSV downloaded"),
    },
)
