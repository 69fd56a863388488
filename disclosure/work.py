"""Long work leaves the web request: a queue of work items the scheduler's process runs.

A view (through its area's service) puts a `WorkItem` in the queue and returns at once; the
scheduler job of the area that owns the kind (its area.py) claims queued items one at a time and
runs them, each in transactions of its own, writing progress a page polls. A claim is taken
under a row lock (PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite `BEGIN IMMEDIATE`), so two
scheduler processes never run the same item; a claim whose heartbeat is older than STALE_AFTER
(its process died) is taken again. docs/rules.md R-long-work-queued."""

import enum
import logging
import os
import socket
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Integer, String, and_, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from disclosure import clock
from disclosure.db import Base, UTCDateTime, begin_with_write_lock, begin_writing
from disclosure.errors import DomainError
from disclosure.vault import EncryptedBytes

log = logging.getLogger(__name__)

# A running item writes a heartbeat at every step of progress; none for this long means its
# process died (a step is at most the PDF rendering of one report: about a minute at 5,000 records).
STALE_AFTER = timedelta(minutes=10)
UNEXPECTED = (
    "It could not be finished because of an error in the system. Try again; if it fails again, "
    "tell the administrator."
)


class WorkStatus(str, enum.Enum):
    """Where a work item stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class WorkItem(Base):
    """One piece of long work: its kind, the row it is about, where it stands and who runs it."""

    __tablename__ = "work_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), index=True, default=WorkStatus.QUEUED.value)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))  # words for a person, never data
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(120))  # host:pid
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the asker chose (an export's filters), and what the work produced when it keeps no
    # row of its own (an export's file), sealed like every file (docs/rules.md
    # R-encrypted-at-rest); emptied by drop_old_results.
    params: Mapped[dict | None] = mapped_column(JSON)
    result: Mapped[bytes | None] = mapped_column(EncryptedBytes)

    @property
    def waiting(self) -> bool:
        """True while queued or running."""
        return self.status in (WorkStatus.QUEUED.value, WorkStatus.RUNNING.value)


def words(item: WorkItem | None) -> str:
    """Where the work stands, for the page that waits for it."""
    if item is None or item.status == WorkStatus.DONE.value:
        return "Ready."
    if item.status == WorkStatus.FAILED.value:
        return f"It failed. {item.error or UNEXPECTED}"
    if item.status == WorkStatus.RUNNING.value and item.progress_total:
        return f"Being compiled: step {item.progress_done + 1} of {item.progress_total}."
    return "Waiting its turn: it is compiled in the next few seconds."


def as_json(item: WorkItem | None, ready: bool) -> dict:
    """What a page's progress poll hears: status, steps, readiness and the words to show."""
    return {
        "status": item.status if item is not None else WorkStatus.DONE.value,
        "done": item.progress_done if item is not None else 0,
        "total": item.progress_total if item is not None else 0,
        "ready": ready,
        "words": words(item),
    }


def enqueue(
    session: Session, kind: str, subject_id: int, requested_by=None, params: dict | None = None
) -> WorkItem:
    """Put one piece of work in the queue (the caller commits; the scheduler runs it)."""
    item = WorkItem(
        kind=kind,
        subject_id=subject_id,
        status=WorkStatus.QUEUED.value,
        requested_by_id=requested_by.id if requested_by is not None else None,
        queued_at=clock.now(),
        params=params,
    )
    session.add(item)
    session.flush()
    return item


def latest_for(session: Session, kind: str, subject_id: int) -> WorkItem | None:
    """The newest work item of `kind` about `subject_id`, or None."""
    return session.scalar(
        select(WorkItem)
        .where(WorkItem.kind == kind, WorkItem.subject_id == subject_id)
        .order_by(WorkItem.id.desc())
        .limit(1)
    )


def retry(session: Session, item: WorkItem) -> None:
    """Queue a failed item again."""
    if item.status != WorkStatus.FAILED.value:
        raise DomainError("Only work that failed can be tried again.")
    item.status, item.error = WorkStatus.QUEUED.value, None
    item.progress_done = item.progress_total = 0
    item.claimed_by = item.heartbeat_at = item.finished_at = None


def drop_old_results(session: Session, kind: str, older_than: timedelta) -> int:
    """Empty the results of `kind` finished more than `older_than` ago; how many."""
    emptied = session.execute(
        update(WorkItem)
        .where(
            WorkItem.kind == kind,
            WorkItem.result.is_not(None),
            WorkItem.finished_at < clock.now() - older_than,
        )
        .values(result=None)
    )
    return emptied.rowcount or 0


def worker_name() -> str:
    """This process, as claims name it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def claim(session: Session, kinds, worker: str) -> WorkItem | None:
    """Take the oldest queued (or stale) item of `kinds` for `worker`, or None. Call at the start
    of a transaction; the caller commits at once, which publishes the claim."""
    # SQLite: BEGIN IMMEDIATE takes the write lock first, so a second claimant waits and then
    # sees the item taken. PostgreSQL: the row lock, skipping rows another claimant holds.
    begin_with_write_lock(session)
    now = clock.now()
    claimable = or_(
        WorkItem.status == WorkStatus.QUEUED.value,
        and_(
            WorkItem.status == WorkStatus.RUNNING.value, WorkItem.heartbeat_at < now - STALE_AFTER
        ),
    )
    item = session.scalar(
        select(WorkItem)
        .where(WorkItem.kind.in_(list(kinds)), claimable)
        .order_by(WorkItem.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if item is None:
        return None
    item.status, item.claimed_by = WorkStatus.RUNNING.value, worker
    item.started_at = item.heartbeat_at = now
    item.attempts += 1
    session.flush()
    return item


def _progress(session: Session, item_id: int) -> Callable[[int, int], None]:
    """progress(done, total): write it and a heartbeat on the item, and commit (the handler's
    own writes come after its last step, so nothing half-done is committed here). The handler's
    reads so far end first, so the write never upgrades a read transaction (begin_writing)."""

    def progress(done: int, total: int) -> None:
        begin_writing(session)
        session.execute(
            update(WorkItem)
            .where(WorkItem.id == item_id)
            .values(progress_done=done, progress_total=total, heartbeat_at=clock.now())
        )
        session.commit()

    return progress


# handler(session, item, progress) does the work; it raises DomainError with words for a person.
# It reads and makes what it needs first, then calls db.begin_writing(session) before its first
# write: its reads end, and its writes go in a transaction that on SQLite holds the write lock
# from its start. A SQLite transaction that read first and writes later fails at once ("database
# is locked") when anyone else committed in between, and a handler reads for seconds while the
# library goes on working. It re-checks under that transaction what its writes depend on, and
# keeps slow work (rendering) before it: the lock is held until the item is finished.
Handler = Callable[[Session, WorkItem, Callable[[int, int], None]], None]


def run_queued(session: Session, handlers: Mapping[str, Handler], limit: int = 20) -> str:
    """Run queued items of the kinds in `handlers`, one at a time, each in transactions of its
    own; a failure is kept on its item, in words. A line for the log: counts only."""
    worker, done, failed = worker_name(), 0, 0
    session.commit()  # what the caller began is not this work's
    for _ in range(limit):
        item = claim(session, handlers.keys(), worker)
        session.commit()
        if item is None:
            break
        if _run_one(session, handlers[item.kind], item):
            done += 1
        else:
            failed += 1
    return f"{done} work item(s) done, {failed} failed"


def _run_one(session: Session, handler: Handler, item: WorkItem) -> bool:
    item_id = item.id
    try:
        handler(session, item, _progress(session, item_id))
        item = session.get(WorkItem, item_id)
        item.status, item.finished_at, item.error = WorkStatus.DONE.value, clock.now(), None
        session.commit()
        return True
    except Exception as err:  # noqa: BLE001 - any failure is kept on the item, in words
        session.rollback()
        # The exception's text may quote data: the log gets its type and the item id only.
        log.warning("work item %s (%s) failed: %s", item_id, item.kind, type(err).__name__)
        begin_with_write_lock(session)
        item = session.get(WorkItem, item_id)
        item.status, item.finished_at = WorkStatus.FAILED.value, clock.now()
        item.error = (err.message if isinstance(err, DomainError) else UNEXPECTED)[:500]
        session.commit()
        return False
