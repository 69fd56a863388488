"""Sending notifications: a row in the outbox always; e-mail too when SMTP is configured.

Subjects and bodies are written by the calling service and carry no personal data (no patron
names or card numbers): a notification says that something needs attention and links to it."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.areas import Hook
from disclosure.auth.models import User
from disclosure.db import begin_writing
from disclosure.notify.models import Notification

log = logging.getLogger(__name__)


def _about_no_case(session: Session, user: User):
    return Notification.case_id.is_(None)


def _as_queued(session: Session, note: Notification) -> None:
    return None


# Who may see a case is the cases area's rule (cases/visibility.py), and the cases area sits
# above this one: it answers these hooks (cases/area.py). Unanswered, only notifications about no
# case are shown, and a queued one is sent as it was written.
# case_visibility(session, user) -> a WHERE clause on Notification: what `user` may still see.
case_visibility = Hook("notify.case_visibility", default=_about_no_case)
# as_sent_now(session, note): rewrite a queued notification about a case for what may be said of
# the case now (a case gagged since the note was written).
as_sent_now = Hook("notify.as_sent_now", default=_as_queued)


def notify(
    session: Session,
    recipient: User,
    subject: str,
    body: str = "",
    *,
    link: str | None = None,
    urgent: bool = False,
    case_id: int | None = None,
) -> Notification:
    """Put a notification for `recipient` in the outbox (sent by e-mail after commit)."""
    note = Notification(
        created_at=clock.now(),
        recipient_id=recipient.id,
        subject=subject[:200],
        body=body,
        link=link,
        urgent=urgent,
        case_id=case_id,
    )
    session.add(note)
    return note


def unread_for(session: Session, user: User) -> list[Notification]:
    """The user's notifications not yet read, urgent ones first, then newest first (through the
    cases visibility rule)."""
    query = (
        select(Notification)
        .where(
            Notification.recipient_id == user.id,
            Notification.read_at.is_(None),
            visible_to(session, user),
        )
        .order_by(
            Notification.urgent.desc(), Notification.created_at.desc(), Notification.id.desc()
        )
    )
    return list(session.scalars(query))


def inbox(session: Session, user: User) -> Select:
    """SELECT of every notification of `user` they may still see, newest first (the inbox)."""
    return (
        select(Notification)
        .where(Notification.recipient_id == user.id, visible_to(session, user))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def visible_to(session: Session, user: User):
    """The notifications `user` may still see: the cases area decides for those about a case."""
    return case_visibility.answer()(session, user)


def send_pending_email(session: Session) -> int:
    """E-mail every outbox row not yet sent, when SMTP is configured; returns how many went.

    Each row is sent at most once, and never under SQLite's write lock. A row is taken in a
    short transaction that begins with the write lock (disclosure/db.py begin_writing): looked at
    again (_still_sendable) and marked sent, then committed. Only then is it handed to the SMTP
    server, with no transaction open: a send may take its 20 s timeout, longer than a web request
    waits for the lock. A send that fails marks the row's error instead. So a second run, a
    second scheduler process, or someone committing meanwhile never sends a row again; a process
    that dies while talking to the server leaves that one row marked sent but perhaps not
    delivered (the notification stays in the inbox). docs/rules.md R-email-at-most-once.
    Commits: call it as a job of its own."""
    settings = current_app.config["SETTINGS"]
    if not settings.smtp_host:
        return 0
    return send_outbox(session, settings, _take_next, Notification)


def send_outbox(session: Session, settings, take_next, outbox) -> int:
    """Send up to 200 rows of an outbox table, one at a time: `take_next(session, settings,
    after)` takes the next row after id `after` under the write lock and gives (id, message or
    None), or None when none is left; each message then goes out with no transaction open
    (hand_over). How many went. The patrons' outbox (patrons/mail.py) sends through it too."""
    sent, after = 0, 0
    for _ in range(200):
        taken = take_next(session, settings, after)
        if taken is None:
            break
        after, message = taken
        if message is not None and hand_over(session, settings, outbox, after, message):
            sent += 1
    return sent


def _take_next(session: Session, settings, after: int) -> tuple[int, EmailMessage | None] | None:
    """Under the write lock: the next waiting row after id `after`, marked sent (or, when it may
    no longer be sent, its reason); committed. Its id and message (None: not to be sent)."""
    begin_writing(session)
    note = session.scalar(
        select(Notification)
        .join(User, User.id == Notification.recipient_id)
        .where(
            Notification.id > after,
            Notification.emailed_at.is_(None),
            Notification.email_error.is_(None),
            User.email.is_not(None),
        )
        .order_by(Notification.id)
        .limit(1)
        # PostgreSQL: another scheduler process taking rows at once skips this one
        .with_for_update(of=Notification, skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if note is None:
        session.commit()
        return None
    recipient = session.get(User, note.recipient_id, populate_existing=True)
    message = None
    if _still_sendable(session, note, recipient):
        message = _message(settings, recipient.email, note)
        note.emailed_at = clock.now()
    session.commit()
    return note.id, message


def hand_over(session: Session, settings, outbox, row_id: int, message: EmailMessage) -> bool:
    """Send `message` (no transaction open); when that fails, mark the `outbox` row's error, not
    sent."""
    try:
        deliver(settings, message)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        # The exception text can name the address; log only the outbox row.
        log.warning("e-mail %s %s failed: %s", outbox.__tablename__, row_id, type(exc).__name__)
        begin_writing(session)
        session.execute(
            update(outbox)
            .where(outbox.id == row_id)
            .values(emailed_at=None, email_error=type(exc).__name__)
        )
        session.commit()
        return False


def _still_sendable(session: Session, note: Notification, recipient: User) -> bool:
    """Look again at send time: the recipient may have left the case's circle since the row was
    queued (it is then dropped), or the case may have been gagged (the text is then blanked)."""
    if note.case_id is None:
        return True
    if not session.scalar(
        select(Notification.id).where(Notification.id == note.id, visible_to(session, recipient))
    ):
        note.email_error = "no longer visible to the recipient"
        return False
    as_sent_now.answer()(session, note)
    return True


def _message(settings, address: str, note: Notification) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = address
    message["Subject"] = note.subject
    link = f"\n\n{settings.base_url}{note.link}" if note.link else ""
    message.set_content(f"{note.body}{link}\n")
    return message


def deliver(settings, message: EmailMessage) -> None:
    """Hand one message to the configured SMTP server (STARTTLS and login as configured)."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def mark_all_read(session: Session, user: User) -> int:
    """Mark the user's unread notifications read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == user.id,
            Notification.read_at.is_(None),
            visible_to(session, user),
        )
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
