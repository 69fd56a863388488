"""The outbox: every notification the system sends, whether or not e-mail is configured; and
the reminders already sent, so that each is sent once."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from disclosure import clock
from disclosure.db import Base, UTCDateTime

# Ends the subject of an e-mail that may say nothing more (a restricted matter).
SIGN_IN_TO_VIEW = " Sign in to view it."


class Notification(Base):
    """A message to one staff user. `case_id` lets the gag rule hide or blank it."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)

    @property
    def page_subject(self) -> str:
        """The subject as the inbox shows it to someone already signed in (an e-mail about a
        restricted matter asks them to sign in; on the page that would be odd)."""
        return self.subject.removesuffix(SIGN_IN_TO_VIEW).removeprefix("URGENT: ")

    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_error: Mapped[str | None] = mapped_column(String(300))


class SentReminder(Base):
    """A reminder already sent, so that a job run twice sends it once. The key names the thing
    and its deadline ('hold:12:2026-05-01:7'), so a renewal arms new reminders."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
