"""Writing audit events: in the caller's transaction, so a change and its event land together."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import chain  # noqa: F401 (chains every event as it is flushed)
from disclosure.audit.models import AuditEvent


def record(
    session: Session,
    actor,
    action: str,
    object_type: str,
    object_id: int | None = None,
    *,
    detail: str = "",
    case_id: int | None = None,
) -> AuditEvent:
    """Add an audit event for `actor` (a staff user, a patron, or None for the system).

    `detail` must carry no personal data (names, card numbers, addresses): ids and counts only."""
    event = AuditEvent(
        at=clock.now(),
        actor_user_id=actor.id if getattr(actor, "kind", None) == "staff" else None,
        actor_patron_id=actor.id if getattr(actor, "kind", None) == "patron" else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        detail=detail,
    )
    session.add(event)
    return event


def viewed(
    session: Session,
    viewer,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    case_id: int | None = None,
    detail: str = "",
) -> None:
    """Record that `viewer` was shown something kept (docs/rules.md R-audit-every-view): a case's
    material, a patron's report or release, a consent, a scan, a released file. Returns nothing,
    so a view can `keep()` it and go on."""
    record(session, viewer, action, object_type, object_id, case_id=case_id, detail=detail)


def events_for(session: Session, object_type: str, object_id: int) -> list[AuditEvent]:
    """Every event about one object, oldest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return list(session.scalars(query))
