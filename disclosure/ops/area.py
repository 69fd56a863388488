"""What running the service adds: GET /healthz, `flask check`, `flask mail test`, and the
scheduler's heartbeat job that /healthz reads."""

from __future__ import annotations

from disclosure.areas import Area, Job
from disclosure.ops import cli, service, views


def heartbeat(session) -> str:
    """Tell /healthz that the scheduler is running."""
    service.beat(session)
    return "beat"


AREA = Area(
    "ops",
    blueprints=(views.bp,),
    commands=(cli.check_command, cli.mail_cli),
    jobs=(Job("heartbeat", "interval", {"minutes": 1}, heartbeat),),
)
