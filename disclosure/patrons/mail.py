"""E-mails to patrons (docs/rules.md R-patron-email-no-data). An e-mail can be read by whoever
shares the mailbox or sees the screen, so it carries no personal data: no name, card number,
title, date of birth, request number or date; only that there is something to see, and a link
to sign in and see it. Every message is one of MESSAGES, fixed words; the address is read from
the card when the e-mail is sent, so a patron who removed it gets nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from disclosure import clock, i18n
from disclosure.db import begin_writing
from disclosure.i18n import N_
from disclosure.notify.service import send_outbox
from disclosure.patrons.models import PatronEmail, PatronRequest, RequestStatus
from disclosure.records.models import Patron

log = logging.getLogger(__name__)

SIGN_IN = "/patron"
# The download-ending reminder goes this long before the download period ends.
REMIND_BEFORE = timedelta(days=2)


@dataclass(frozen=True)
class Message:
    """The fixed words of one kind of e-mail to a patron."""

    subject: str
    body: str


# In English here; each is sent in the patron's language (compose, disclosure/i18n.py).
MESSAGES = {
    "request_received": Message(
        N_("Your request to the library has been received"),
        N_(
            "The library has received a request for library records. Sign in to the library's "
            "portal to see it and what happens next."
        ),
    ),
    "report_ready": Message(
        N_("Your library records are ready"),
        N_("The report you asked for is ready. Sign in to the library's portal to download it."),
    ),
    "report_printed": Message(
        N_("Your library records were printed at the desk"),
        N_(
            "A report you asked for was printed at a library desk. If that was not you, tell the "
            "library. Sign in to the library's portal to see it."
        ),
    ),
    "download_ending": Message(
        N_("Your library records can be downloaded for two more days"),
        N_(
            "A report you asked for can be downloaded for two more days; then the library "
            "deletes its copy. Sign in to the library's portal to download it."
        ),
    ),
    "set_pin": Message(
        N_("Set your PIN for the library's portal"),
        N_(
            "Use this link within 24 hours to set the PIN you sign in with. It works once. If "
            "you did not ask for it, ignore this e-mail."
        ),
    ),
}


def tell(
    session: Session, patron: Patron, message: str, *, link: str = SIGN_IN, once_key=None
) -> PatronEmail | None:
    """Put one of MESSAGES for `patron` in the outbox, if there is an address on the card."""
    if not patron.email:
        return None
    if message not in MESSAGES:
        raise KeyError(message)
    email = PatronEmail(
        patron_id=patron.id,
        message=message,
        link=link,
        once_key=once_key,
        created_at=clock.now(),
    )
    session.add(email)
    return email


def send_pending(session: Session) -> int:
    """E-mail every outbox row not yet sent, when SMTP is configured; returns how many went.

    Each row is sent at most once, and never under SQLite's write lock, as the staff's outbox
    (notify.service.send_pending_email): a row is taken (the address read from the card again,
    marked sent) in a short transaction that begins with the write lock, and committed; then it
    is handed to the SMTP server with no transaction open; a send that fails marks its error. A
    process that dies while talking to the server leaves that one row marked sent but perhaps not
    delivered (what it told of is on the portal). docs/rules.md R-email-at-most-once. Commits:
    a job of its own."""
    settings = current_app.config["SETTINGS"]
    if not settings.smtp_host:
        return 0
    return send_outbox(session, settings, _take_next, PatronEmail)


def _take_next(session: Session, settings, after: int) -> tuple[int, EmailMessage | None] | None:
    """Under the write lock: the next waiting row after id `after`, marked sent (or, with no
    address on the card now, why not); committed. Its id and message (None: not to be sent)."""
    begin_writing(session)
    email = session.scalar(
        select(PatronEmail)
        .where(
            PatronEmail.id > after,
            PatronEmail.emailed_at.is_(None),
            PatronEmail.email_error.is_(None),
        )
        .order_by(PatronEmail.id)
        .limit(1)
        # PostgreSQL: another scheduler process taking rows at once skips this one
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if email is None:
        session.commit()
        return None
    address, language = session.execute(
        select(Patron.email, Patron.language).where(Patron.id == email.patron_id)
    ).one()
    message = None
    if address:
        message = compose(settings, address, email, language)
        email.emailed_at = clock.now()
    else:
        email.email_error = "no address on the card"
    session.commit()
    return email.id, message


def compose(
    settings, address: str, email: PatronEmail, language: str | None = None
) -> EmailMessage:
    """The e-mail of one outbox row in the patron's language: fixed words and the link."""
    words = MESSAGES[email.message]
    with i18n.speaking(language):
        subject, body = gettext(words.subject), gettext(words.body)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = address
    message["Subject"] = f"{subject} ({settings.library_name})"
    message.set_content(f"{body}\n\n{settings.base_url}{email.link}\n")
    return message


def remind_download_ending(session: Session) -> int:
    """Tell each patron whose report's download period ends within REMIND_BEFORE, once."""
    now = clock.now()
    ending = session.scalars(
        select(PatronRequest).where(
            PatronRequest.status == RequestStatus.READY.value,
            PatronRequest.download_until > now,
            PatronRequest.download_until <= now + REMIND_BEFORE,
        )
    )
    told = 0
    for request in ending:
        key = f"download-ending:{request.id}"
        if session.scalar(select(PatronEmail.id).where(PatronEmail.once_key == key)):
            continue
        try:
            with session.begin_nested():
                told += (
                    tell(session, request.requester, "download_ending", once_key=key) is not None
                )
        except IntegrityError:  # another run told it just now
            continue
    return told
