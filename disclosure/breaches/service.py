"""The breach register's rules (docs/rules.md R-breach-24h): the Director or the administrator
records a suspected breach; those the library's policy names (the board, the consortium, the
affected patrons) are told within 24 hours of its discovery; reminders at 12, 20 and 24 hours,
then it is overdue; it closes with findings."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth.models import Role, User
from disclosure.auth.service import directors_now, staff_by_role
from disclosure.breaches.models import PARTY_LABELS, Breach, BreachNotice, Party
from disclosure.errors import DomainError
from disclosure.notify import reminders
from disclosure.notify.service import notify
from disclosure.records import kinds

NOTICE_WITHIN = timedelta(hours=24)
# Reminders at 12, 20 and 24 hours after discovery, as hours left on the clock.
REMINDER_HOURS_LEFT = (12, 4, 0)
MAX_PATRONS = 10_000_000


def due_at(breach: Breach) -> datetime:
    """When everyone must have been told: 24 hours after the breach was found."""
    return breach.found_at + NOTICE_WITHIN


def parties_owed(breach: Breach) -> list[Party]:
    """The parties not yet told, in the policy's order."""
    told = {notice.party for notice in breach.notices}
    return [party for party in Party if party.value not in told]


def state(breach: Breach, now: datetime | None = None) -> str:
    """'closed', 'notified' (everyone told), 'overdue' (24 hours passed, someone not told) or
    'open'."""
    if breach.closed_at is not None:
        return "closed"
    if not parties_owed(breach):
        return "notified"
    return "overdue" if (now or clock.now()) >= due_at(breach) else "open"


STATE_LABELS = {
    "open": "Notice due",
    "overdue": "Overdue: not everyone was told within 24 hours",
    "notified": "Everyone told",
    "closed": "Closed",
}


def hours_left(breach: Breach, now: datetime | None = None) -> float:
    """Hours until the notice is due (negative once overdue)."""
    return (due_at(breach) - (now or clock.now())).total_seconds() / 3600


def every_breach(session: Session) -> list[Breach]:
    """The register, newest discovery first."""
    return list(session.scalars(select(Breach).order_by(Breach.found_at.desc(), Breach.id.desc())))


def _check_found_at(found_at: datetime | None) -> datetime:
    if found_at is None:
        raise DomainError("Say when the breach was found.", field="found_at")
    if found_at > clock.now():
        raise DomainError("The time it was found cannot be in the future.", field="found_at")
    return found_at


def _check_kinds(chosen: list[str]) -> list[str]:
    known = kinds.every_key()
    chosen = [key for key in known if key in set(chosen or [])]
    if not chosen:
        raise DomainError("Choose the kinds of records it may have exposed.", field="kinds")
    return chosen


def record_breach(
    session: Session,
    actor: User,
    *,
    found_at: datetime | None,
    what_happened: str,
    record_kinds: list[str],
    patrons_affected: int | None,
) -> Breach:
    """Record a suspected breach; the 24-hour clock runs from `found_at`. Everyone with the
    Director's powers and every administrator is told at once."""
    found_at = _check_found_at(found_at)
    if not (what_happened or "").strip():
        raise DomainError("Say what happened.", field="what_happened")
    if patrons_affected is None or not 0 <= patrons_affected <= MAX_PATRONS:
        raise DomainError(
            "Give about how many patrons it may touch (0 if none).", field="patrons_affected"
        )
    breach = Breach(
        found_at=found_at,
        what_happened=what_happened.strip(),
        kinds=_check_kinds(record_kinds),
        patrons_affected=patrons_affected,
        recorded_at=clock.now(),
        recorded_by_id=actor.id,
    )
    session.add(breach)
    session.flush()
    audit.record(
        session,
        actor,
        "breach.recorded",
        "breach",
        breach.id,
        detail=f"kinds={len(breach.kinds)} patrons={patrons_affected}",
    )
    _tell_responsible(
        session,
        breach,
        f"A suspected breach of patrons' data was recorded ({breach.reference}). The board, the "
        f"consortium and the affected patrons must be told by "
        f"{clock.local(due_at(breach)):%-d %b %Y, %H:%M}.",
        urgent=True,
    )
    return breach


def _responsible(session: Session) -> list[User]:
    """Everyone with the Director's powers, and every administrator."""
    people = directors_now(session)
    return people + [u for u in staff_by_role(session, Role.ADMIN.value) if u not in people]


def _tell_responsible(session: Session, breach: Breach, subject: str, urgent: bool) -> None:
    link = reminders.path("breaches.detail", breach_id=breach.id)
    for person in _responsible(session):
        notify(session, person, subject, link=link, urgent=urgent)


def record_notice(
    session: Session,
    actor: User,
    breach: Breach,
    *,
    party: str,
    notified_at: datetime | None,
    how: str,
) -> BreachNotice:
    """Record that `party` was told of the breach, when and how."""
    if breach.closed_at is not None:
        raise DomainError("This breach is closed.")
    if party not in PARTY_LABELS:
        raise DomainError("Choose who was told.", field="party")
    if party not in {p.value for p in parties_owed(breach)}:
        raise DomainError(f"{PARTY_LABELS[party]} were already recorded as told.", field="party")
    if notified_at is None:
        raise DomainError("Say when they were told.", field="notified_at")
    if notified_at > clock.now():
        raise DomainError("The time they were told cannot be in the future.", field="notified_at")
    if notified_at < breach.found_at:
        raise DomainError(
            "They cannot have been told before the breach was found.", field="notified_at"
        )
    if not (how or "").strip():
        raise DomainError("Say how they were told (e-mail, letter, meeting).", field="how")
    notice = BreachNotice(
        breach_id=breach.id,
        party=party,
        notified_at=notified_at,
        how=how.strip(),
        recorded_at=clock.now(),
        recorded_by_id=actor.id,
    )
    session.add(notice)
    breach.notices.append(notice)
    session.flush()
    late = notified_at > due_at(breach)
    audit.record(
        session,
        actor,
        "breach.notified",
        "breach",
        breach.id,
        detail=f"party={party}{' late' if late else ''}",
    )
    return notice


def close_breach(session: Session, actor: User, breach: Breach, findings: str) -> Breach:
    """Close the breach with what was found (what happened, what was done about it)."""
    if breach.closed_at is not None:
        raise DomainError("This breach is already closed.")
    if not (findings or "").strip():
        raise DomainError("Write the findings before closing.", field="findings")
    breach.findings = findings.strip()
    breach.closed_at = clock.now()
    breach.closed_by_id = actor.id
    audit.record(session, actor, "breach.closed", "breach", breach.id)
    return breach


def send_reminders(session: Session) -> int:
    """Remind those responsible of every open breach whose parties are not all told, at 12, 20
    and 24 hours after discovery (each reminder once); how many were sent."""
    sent = 0
    for breach in session.scalars(select(Breach).where(Breach.closed_at.is_(None))):
        owed = parties_owed(breach)
        if not owed:
            continue
        left = hours_left(breach)
        key = f"breach:{breach.id}:{breach.found_at:%Y-%m-%dT%H:%M}"
        threshold = reminders.due_threshold(session, key, left, REMINDER_HOURS_LEFT)
        if threshold is None:
            continue
        still = ", ".join(party.label.lower() for party in owed)
        when = (
            f"{threshold} hours are left"
            if threshold
            else "The 24 hours are over: the notice is overdue"
        )
        _tell_responsible(
            session,
            breach,
            f"Breach {breach.reference}: {when}. Not yet told: {still}.",
            urgent=threshold <= 4,
        )
        sent += 1
    return sent


def count_in(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Breaches found in [start, end): how many, and how many had everyone told within 24 hours
    (for the annual report)."""
    found = list(
        session.scalars(select(Breach).where(Breach.found_at >= start, Breach.found_at < end))
    )
    in_time = sum(
        1
        for breach in found
        if not parties_owed(breach) and max(n.notified_at for n in breach.notices) <= due_at(breach)
    )
    return {"found": len(found), "told_in_time": in_time}


def open_breaches(session: Session) -> list[Breach]:
    """Breaches not yet closed, oldest discovery first (the most urgent clock)."""
    return list(
        session.scalars(
            select(Breach).where(Breach.closed_at.is_(None)).order_by(Breach.found_at, Breach.id)
        )
    )
