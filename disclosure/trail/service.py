"""Reading the whole audit trail, verifying its chain and sending its anchor.

The page's rule (docs/rules.md R-audit-page): the Director sees every event (through the
cases' visibility choke point, which lets the Director see every case); the administrator sees
only account events, never a case's or a patron's."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from disclosure import clock, csvsafe, work
from disclosure.audit import chain
from disclosure.audit import service as audit
from disclosure.audit.models import AuditEvent, ChainVerification
from disclosure.audit.telling import label_of
from disclosure.auth import service as auth
from disclosure.auth.models import User
from disclosure.cases.visibility import visible_case_ids
from disclosure.dates import local_datetime
from disclosure.db import begin_writing
from disclosure.errors import DomainError
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


# the action's code stays, for machines and for filtering (?action=); "what" says it in words
CSV_HEADER = (
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
)
CSV_BATCH = 5000  # events read per query, and per step of an export's progress


def events_csv(
    session: Session, user, filters: Filters, progress: Callable[[int, int], None] | None = None
) -> str:
    """Every event the filters select that `user` may see, oldest first, as CSV; read a batch at
    a time (by id), `progress(done, total)` told after each batch."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    query = _query(session, user, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    steps, last = -(-total // CSV_BATCH), 0
    for step in range(1, steps + 1):
        rows = session.execute(
            query.where(AuditEvent.id > last).order_by(AuditEvent.id).limit(CSV_BATCH)
        ).all()
        if not rows:
            break
        writer.writerows(_csv_row(event, name) for event, name in rows)
        last = rows[-1][0].id
        if progress is not None:
            progress(step, steps)
    return out.getvalue()


def _csv_row(event: AuditEvent, name: str | None) -> list:
    who = name or ("a patron" if event.actor_patron_id else "the system")
    return [
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


# ---- the CSV as long work ------------------------------------------------------------------------
# The trail grows with every page anyone opens (docs/rules.md R-audit-every-view): 200,000 events
# took 5 s of CPU and 28 MB, so the CSV is written by the scheduler's process (disclosure/work.py,
# docs/rules.md R-long-work-queued), never inside a web request. The export is the asker's own:
# its work item's subject is the person who asked, and only they can follow or download it.

EXPORT_WORK = "audit_csv"
EXPORT_KEPT = timedelta(days=1)  # the file is deleted a day after it is written


def _params(filters: Filters) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(filters).items()}


def filters_of(item: work.WorkItem) -> Filters:
    """The filters an export was asked with."""
    p = item.params or {}
    day = lambda key: date.fromisoformat(p[key]) if p.get(key) else None  # noqa: E731
    return Filters(
        person=p.get("person"), action=p.get("action"), since=day("since"), until=day("until")
    )


def describe(session: Session, filters: Filters) -> str:
    """The filters in words, for the export's page."""
    parts = []
    if filters.person is not None:
        person = session.get(User, filters.person)
        parts.append(f"by {person.full_name if person else 'a former account'}")
    if filters.action:
        parts.append(f"of the kind {filters.action}")
    if filters.since:
        parts.append(f"from {filters.since:%-d %b %Y}")
    if filters.until:
        parts.append(f"to {filters.until:%-d %b %Y}")
    return "Every event you may see" + (", " + ", ".join(parts) if parts else "") + "."


def start_export(session: Session, user, filters: Filters) -> work.WorkItem:
    """Queue the CSV of the events `filters` select; the same export asked again while the first
    is waiting (a double submit) is that first one."""
    waiting = latest_export(session, user)
    if waiting is not None and waiting.waiting and waiting.params == _params(filters):
        return waiting
    item = work.enqueue(session, EXPORT_WORK, user.id, requested_by=user, params=_params(filters))
    audit.record(session, user, "audit.export_requested", "work_item", item.id)
    return item


def latest_export(session: Session, user) -> work.WorkItem | None:
    """The newest export `user` asked for, or None."""
    return work.latest_for(session, EXPORT_WORK, user.id)


def retry_export(session: Session, user) -> work.WorkItem:
    """Queue again the export of `user` that failed."""
    item = latest_export(session, user)
    if item is None:
        raise DomainError("There is no export to try again: ask for one on the audit page.")
    work.retry(session, item)
    return item


def export_file(session: Session, user) -> bytes | None:
    """The CSV of `user`'s newest export when it is written and kept, with an audit event that
    it was downloaded; else None."""
    item = latest_export(session, user)
    if item is None or item.status != work.WorkStatus.DONE.value or item.result is None:
        return None
    audit.record(session, user, "audit.export_downloaded", "work_item", item.id)
    return item.result


def export_kept_until(item: work.WorkItem) -> datetime | None:
    """When the export's file is deleted (None before it is written)."""
    return item.finished_at + EXPORT_KEPT if item.finished_at else None


def export_queued(session: Session, item: work.WorkItem, progress) -> None:
    """The scheduler's handler for EXPORT_WORK items (trail/area.py): write the CSV as the person
    who asked may see the trail now."""
    asker = session.get(User, item.subject_id)
    if asker is None or not asker.is_active or not _seen_by_anyone(session, asker):
        raise DomainError("The person who asked may no longer read the audit trail.")
    body = events_csv(session, asker, filters_of(item), progress).encode("utf-8")
    begin_writing(session)
    item = session.get(work.WorkItem, item.id)
    item.result = body
    audit.record(
        session, asker, "audit.exported", "work_item", item.id, detail=f"{len(body)} bytes"
    )


def _seen_by_anyone(session: Session, user) -> bool:
    return bool({"director", "admin"} & set(auth.roles_of(session, user)))


def drop_old_exports(session: Session) -> str:
    """Delete the export files written more than EXPORT_KEPT ago (a nightly job)."""
    return f"{work.drop_old_results(session, EXPORT_WORK, EXPORT_KEPT)} audit export(s) deleted"


# ---- the chain ----------------------------------------------------------------------------------


def verify(
    session: Session,
    by: str,
    against: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ChainVerification:
    """Walk the chain and keep what was found (the audit page shows the last walk). The walk
    reads without SQLite's write lock (minutes on a long trail); what it found is then kept
    under the lock (db.begin_writing), so the library writing meanwhile cannot make it fail.
    Commits what it read: the command line's own."""
    verification = _walk(session, by, against, progress)
    begin_writing(session)
    session.add(verification)
    return verification


def _walk(
    session: Session,
    by: str,
    against: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ChainVerification:
    """Walk the chain (reads only); what was found, not yet kept."""
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
    return ChainVerification(
        at=clock.now(),
        by=by,
        checked=finding.checked,
        head_sha256=finding.head_sha256,
        ok=finding.ok,
        bad_event_id=finding.bad_event_id,
        finding=words,
        anchor_sha256=(against or "").strip().lower() or None,
    )


def last_verification(session: Session) -> ChainVerification | None:
    """The newest walk of the chain, if any."""
    return session.scalar(select(ChainVerification).order_by(ChainVerification.id.desc()))


def send_anchor(session: Session) -> str:
    """The daily job: verify the chain, then send its head's hash and count to everyone who
    holds the Director's powers (inbox and e-mail), once a day. Kept outside the database, the
    anchor catches a rewrite of the whole chain (`disclosure audit verify --against HASH`).
    Commits: a job of its own."""
    key = f"audit-anchor:{clock.today().isoformat()}"
    if _anchored(session, key):
        return "already sent today"
    # The walk reads the whole trail, seconds to minutes: it reads in a transaction of its own,
    # without SQLite's write lock (web requests wait at most their busy timeout for it); the
    # writes then begin with the lock, and look again whether another run sent it meanwhile.
    verification = _walk(session, "daily job")
    head = chain.head(session)
    body = anchor_text(head, verification)
    begin_writing(session)
    if _anchored(session, key):
        return "already sent today"
    session.add(verification)
    directors = auth.directors_now(session)
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


def _anchored(session: Session, key: str) -> bool:
    return session.scalar(select(SentReminder.id).where(SentReminder.key == key)) is not None


def anchor_text(head: chain.Head, verification: ChainVerification) -> str:
    """The anchor as the Director keeps it: hash, count, and what the day's check found."""
    return (
        f"The audit trail holds {head.count:,} events; the newest has the hash\n\n"
        f"{head.sha256}\n\n"
        "Keep this message. Should the trail ever be doubted, an operator runs\n"
        f"disclosure audit verify --against {head.sha256}\n"
        "which fails if any event up to this one was changed, deleted or rewritten.\n\n"
        f"Today's check: {verification.finding}"
    )


def when(at: datetime) -> str:
    """A verification's time in the library's words."""
    return local_datetime(at)
