"""What the notify area adds to the app: the inbox pages, the e-mail job, and the delivery of
the notifications the auth area's rules send (auth.service.tell)."""

from __future__ import annotations

from disclosure.areas import Area, Job
from disclosure.auth import service as accounts
from disclosure.notify import service, views


def send_email(session) -> str:
    """E-mail notifications waiting in the outbox."""
    return f"{service.send_pending_email(session)} e-mail(s) sent"


AREA = Area(
    "notify",
    blueprints=(views.bp,),
    jobs=(Job("send-email", "interval", {"minutes": 1}, send_email, own_transactions=True),),
    hooks={accounts.tell: service.notify},
)
