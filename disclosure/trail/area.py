"""What the whole audit trail adds: the audit page, `flask audit verify`, and the daily anchor
of the chain sent to everyone holding the Director's powers."""

from __future__ import annotations

from disclosure.areas import Area, Job
from disclosure.trail import cli, service, views

AREA = Area(
    "trail",
    blueprints=(views.bp,),
    commands=(cli.audit_cli,),
    jobs=(Job("audit-anchor", "cron", {"hour": 6, "minute": 15}, service.send_anchor),),
)
