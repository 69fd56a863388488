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

    Safe to run twice: a row is marked sent in the same transaction as its send succeeds."""
    settings = current_app.config["SETTINGS"]
    if not settings.smtp_host:
        return 0
    pending = session.scalars(
        select(Notification, User)
        .join(User, User.id == Notification.recipient_id)
        .where(
            Notification.emailed_at.is_(None),
            Notification.email_error.is_(None),
            User.email.is_not(None),
        )
        .limit(200)
    ).all()
    sent = 0
    for note in pending:
        recipient = session.get(User, note.recipient_id)
        if not _still_sendable(session, note, recipient):
            continue
        try:
            _send_one(settings, recipient.email, note)
        except (OSError, smtplib.SMTPException) as exc:
            # The exception text can name the address; log only the outbox id.
            log.warning("e-mail for notification %s failed: %s", note.id, type(exc).__name__)
            note.email_error = type(exc).__name__
            continue
        note.emailed_at = clock.now()
        sent += 1
    return sent


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


def _send_one(settings, address: str, note: Notification) -> None:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = address
    message["Subject"] = note.subject
    link = f"\n\n{settings.base_url}{note.link}" if note.link else ""
    message.set_content(f"{note.body}{link}\n")
    deliver(settings, message)


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
