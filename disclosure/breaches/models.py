"""The breach register (docs/rules.md R-breach-24h): a suspected breach of patrons' data, the
24-hour clock from its discovery, who was told and when, and its findings."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure import clock
from disclosure.auth.models import User
from disclosure.db import Base, UTCDateTime
from disclosure.vault import EncryptedText


class Party(str, enum.Enum):
    """Those the library's policy says are told of a breach within 24 hours of its discovery."""

    BOARD = "board"
    CONSORTIUM = "consortium"
    PATRONS = "patrons"

    @property
    def label(self) -> str:
        return PARTY_LABELS[self.value]


PARTY_LABELS = {
    Party.BOARD.value: "The library board",
    Party.CONSORTIUM.value: "The consortium",
    Party.PATRONS.value: "The affected patrons",
}


class Breach(Base):
    """A suspected breach of patrons' data, as the Director or the administrator recorded it."""

    __tablename__ = "breaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the clock starts here
    # what happened may name systems, people or patrons: sealed (docs/rules.md R-encrypted-at-rest)
    what_happened: Mapped[str] = mapped_column(EncryptedText)
    kinds: Mapped[list] = mapped_column(JSON)  # keys of records/kinds.py
    patrons_affected: Mapped[int] = mapped_column(Integer)  # about how many
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    findings: Mapped[str | None] = mapped_column(EncryptedText)

    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    notices: Mapped[list["BreachNotice"]] = relationship(
        back_populates="breach", order_by="BreachNotice.notified_at"
    )

    @property
    def reference(self) -> str:
        """The number staff use: 'BR-00003'."""
        return f"BR-{self.id:05d}"


class BreachNotice(Base):
    """One party told of a breach: who, when, how."""

    __tablename__ = "breach_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(
        ForeignKey("breaches.id", ondelete="CASCADE"), index=True
    )
    party: Mapped[str] = mapped_column(String(20))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    how: Mapped[str] = mapped_column(EncryptedText)  # "e-mail to the board chair", "letters"
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    breach: Mapped[Breach] = relationship(back_populates="notices")
    recorded_by: Mapped[User] = relationship()

    @property
    def party_label(self) -> str:
        return PARTY_LABELS.get(self.party, self.party)
