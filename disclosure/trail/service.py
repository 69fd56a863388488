"""Reading the whole audit trail, verifying its chain and sending its anchor.

The page's rule (docs/rules.md R-audit-page): the Director sees every event (through the
cases' visibility choke point, which lets the Director see every case); the administrator sees
only account events, never a case's or a patron's."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from disclosure import clock, csvsafe
from disclosure.audit import chain
from disclosure.audit.models import AuditEvent, ChainVerification
from disclosure.audit.telling import label_of
from disclosure.auth import service as auth
from disclosure.auth.models import User
from disclosure.cases.visibility import visible_case_ids
from disclosure.dates import local_datetime
from disclosure.notify import service as notify
from disclosure.notify.models import SentReminder

PAGE_SIZE = 50
ACCOUNT_OBJECTS = ("user",)  # what an administrator's audit page shows: accounts, nothing else


@dataclass(frozen=True)
class Filters:
    """What the audit page is narrowed to: one person (a staff user's id), one kind of event
    (its action), a first and a last day (library dates)."""

    person: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None


def _seen_by(session: Session, user) -> list:
    roles = auth.roles_of(session, user)
    if "director" in roles:
        return [
            or_(
                AuditEvent.case_id.is_(None),
                AuditEvent.case_id.in_(visible_case_ids(session, user)),
            )
        ]
    if "admin" in roles:
        return [AuditEvent.object_type.in_(ACCOUNT_OBJECTS), AuditEvent.case_id.is_(None)]
    return [AuditEvent.id.is_(None)]


def _query(session: Session, user, filters: Filters) -> Select:
    actor = aliased(User)
    query = (
        select(AuditEvent, actor.full_name)
        .outerjoin(actor, actor.id == AuditEvent.actor_user_id)
        .where(*_seen_by(session, user))
    )
    if filters.person is not None:
        query = query.where(AuditEvent.actor_user_id == filters.person)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= clock.start_of_local_day(filters.since))
    if filters.until is not None:
        query = query.where(AuditEvent.at < clock.end_of_local_day(filters.until))
    return query


def events(session: Session, user, filters: Filters) -> Select:
    """SELECT of the events `user` may see that pass `filters`, each with its actor's name,
    newest first (the page cuts it with web.paging)."""
    return _query(session, user, filters).order_by(AuditEvent.id.desc())


def choices(session: Session, user) -> tuple[list[tuple[int, str]], list[str]]:
    """The people and the kinds of event the filters offer: those among the events `user` sees."""
    seen = _seen_by(session, user)
    people = session.execute(
        select(User.id, User.full_name)
        .where(User.id.in_(select(AuditEvent.actor_user_id).where(*seen)))
        .order_by(User.full_name)
    ).all()
    actions = session.scalars(
        select(AuditEvent.action).where(*seen).distinct().order_by(AuditEvent.action)
    ).all()
    return [(row.id, row.full_name) for row in people], list(actions)


def events_csv(session: Session, user, filters: Filters) -> str:
    """Every event the filters select that `user` may see, oldest first, as CSV."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\r\n")
    writer.writerow(
        # the action's code stays, for machines and for filtering (?action=); "what" says it
        [
            "event",
            "at",
            "by",
            "action",
            "what",
            "object",
            "object id",
            "case id",
            "detail",
            "sha256",
        ]
    )
    rows = session.execute(_query(session, user, filters).order_by(AuditEvent.id))
    for event, name in rows:
        who = name or ("a patron" if event.actor_patron_id else "the system")
        writer.writerow(
            [
                event.id,
                local_datetime(event.at),
                who,
                event.action,
                label_of(event.action),
                event.object_type,
                event.object_id if event.object_id is not None else "",
                event.case_id if event.case_id is not None else "",
                event.detail,
                event.sha256,
            ]
        )
    return out.getvalue()


# ---- the chain ----------------------------------------------------------------------------------


def verify(
    session: Session,
    by: str,
    against: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ChainVerification:
    """Walk the chain and keep what was found (the audit page shows the last walk)."""
    finding = chain.verify(session, against, progress)
    if finding.ok:
        words = f"All {finding.checked:,} events match."
    elif finding.bad_event_id is not None:
        words = f"Event #{finding.bad_event_id} {finding.problem}."
    else:
        words = (
            f"All {finding.checked:,} events follow one another, but none has the anchor's hash: "
            "the chain was rewritten, or events were deleted from its end."
        )
    if finding.ok and against:
        words += " The anchor is one of them."
    verification = ChainVerification(
        at=clock.now(),
        by=by,
        checked=finding.checked,
        head_sha256=finding.head_sha256,
        ok=finding.ok,
        bad_event_id=finding.bad_event_id,
        finding=words,
        anchor_sha256=(against or "").strip().lower() or None,
    )
    session.add(verification)
    return verification


def last_verification(session: Session) -> ChainVerification | None:
    """The newest walk of the chain, if any."""
    return session.scalar(select(ChainVerification).order_by(ChainVerification.id.desc()))


def send_anchor(session: Session) -> str:
    """The daily job: verify the chain, then send its head's hash and count to everyone who
    holds the Director's powers (inbox and e-mail), once a day. Kept outside the database, the
    anchor catches a rewrite of the whole chain (`flask audit verify --against HASH`)."""
    key = f"audit-anchor:{clock.today().isoformat()}"
    if session.scalar(select(SentReminder.id).where(SentReminder.key == key)) is not None:
        return "already sent today"
    verification = verify(session, "daily job")
    head = chain.head(session)
    directors = auth.directors_now(session)
    body = anchor_text(head, verification)
    for director in directors:
        notify.notify(
            session,
            director,
            "The audit trail's daily anchor",
            body,
            link="/audit",
            urgent=not verification.ok,
        )
    session.add(SentReminder(key=key, sent_at=clock.now()))
    return f"anchor sent to {len(directors)}; chain {'ok' if verification.ok else 'BROKEN'}"


def anchor_text(head: chain.Head, verification: ChainVerification) -> str:
    """The anchor as the Director keeps it: hash, count, and what the day's check found."""
    return (
        f"The audit trail holds {head.count:,} events; the newest has the hash\n\n"
        f"{head.sha256}\n\n"
        "Keep this message. Should the trail ever be doubted, an operator runs\n"
        f"flask --app wsgi audit verify --against {head.sha256}\n"
        "which fails if any event up to this one was changed, deleted or rewritten.\n\n"
        f"Today's check: {verification.finding}"
    )


def when(at: datetime) -> str:
    """A verification's time in the library's words."""
    return local_datetime(at)
