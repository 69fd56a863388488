"""Preservation holds: what an agency asked the library to keep, for how long (docs/rules.md
R-hold-90-90)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure import clock
from disclosure.auth.models import User
from disclosure.cases.models import Case
from disclosure.db import Base, UTCDateTime
from disclosure.records.models import Branch, Patron, Workstation


class Category(str, enum.Enum):
    """The record categories a hold can name (docs/rules.md R-hold-names-its-scope)."""

    LOANS = "loans"
    COMPUTER_SESSIONS = "computer_sessions"
    INTERLIBRARY_LOANS = "interlibrary_loans"  # the requests and their e-mail messages
    PROGRAM_REGISTRATIONS = "program_registrations"
    MAILING_LISTS = "mailing_list_subscriptions"
    PATRONS = "patrons"  # the patron registration record itself


CATEGORY_LABELS = {
    Category.LOANS: "Loans (circulation history)",
    Category.COMPUTER_SESSIONS: "Computer sign-up and session logs",
    Category.INTERLIBRARY_LOANS: "Interlibrary-loan requests and their e-mails",
    Category.PROGRAM_REGISTRATIONS: "Program registrations",
    Category.MAILING_LISTS: "Mailing-list subscriptions",
    Category.PATRONS: "Patron registration records",
}


class Scope(str, enum.Enum):
    """Which key narrows a hold; it decides which index the hold predicate uses."""

    PATRONS = "patrons"  # named patrons (and optionally workstations)
    WORKSTATIONS = "workstations"
    BRANCH = "branch"
    LIBRARY = "library"  # every record of its categories (maybe within a time window)


class Hold(Base):
    """A preservation hold on records, belonging to a case. It lasts 90 days from the agency's
    request, once renewable by up to 90 more, never beyond 180 days in all; while the case has a
    court order and is open, until the case is closed."""

    __tablename__ = "holds"
    __table_args__ = (Index("ix_holds_scope_branch", "scope", "branch_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by: Mapped[str] = mapped_column(String(200))  # the officer or agency who asked
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)

    # what it covers: categories, narrowed by patrons, workstations or a branch, a time window
    covers_loans: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_computer_sessions: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_interlibrary_loans: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_program_registrations: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_mailing_list_subscriptions: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_patrons: Mapped[bool] = mapped_column(Boolean, default=False)
    scope: Mapped[str] = mapped_column(String(20))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # the one renewal (docs/rules.md R-hold-90-90: up to 90 more days)
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    renewal_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    renewal_requested_by: Mapped[str | None] = mapped_column(String(200))
    renewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # the end
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    release_reason: Mapped[str | None] = mapped_column(Text)
    ended_noted_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime
    )  # the expiry job saw it end

    case: Mapped[Case] = relationship()
    branch: Mapped[Branch | None] = relationship()
    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])
    renewed_by: Mapped[User | None] = relationship(foreign_keys=[renewed_by_id])
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])
    patrons: Mapped[list[HoldPatron]] = relationship(
        cascade="all, delete-orphan", order_by="HoldPatron.id"
    )
    workstations: Mapped[list[HoldWorkstation]] = relationship(
        cascade="all, delete-orphan", order_by="HoldWorkstation.id"
    )

    @property
    def categories(self) -> list[Category]:
        """The categories this hold names, in the usual order."""
        return [c for c in Category if getattr(self, f"covers_{c.value}")]

    def set_categories(self, categories) -> None:
        """Name exactly these categories."""
        chosen = {Category(c) for c in categories}
        for category in Category:
            setattr(self, f"covers_{category.value}", category in chosen)

    @property
    def until_case_closed(self) -> bool:
        """True while the case's court order keeps the hold past its dates (R-hold-court-order)."""
        return bool(self.case.court_order_received and self.case.closed_at is None)

    def is_active(self, at: datetime | None = None) -> bool:
        """Same rule as holds.coverage.active_holds(), for one hold already loaded."""
        at = at or clock.now()
        return self.released_at is None and (at < self.expires_at or self.until_case_closed)

    def status(self, at: datetime | None = None) -> str:
        """'active', 'released' or 'expired'."""
        if self.released_at is not None:
            return "released"
        return "active" if self.is_active(at) else "expired"


class HoldPatron(Base):
    """A patron a hold names. Deleted with the patron (after the hold has ended)."""

    __tablename__ = "hold_patrons"
    __table_args__ = (UniqueConstraint("hold_id", "patron_id", name="uq_hold_patrons_hold_patron"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("holds.id", ondelete="CASCADE"), index=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id", ondelete="CASCADE"), index=True)

    patron: Mapped[Patron] = relationship()


class HoldWorkstation(Base):
    """A public computer a hold names."""

    __tablename__ = "hold_workstations"
    __table_args__ = (
        UniqueConstraint("hold_id", "workstation_id", name="uq_hold_workstations_hold_workstation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("holds.id", ondelete="CASCADE"), index=True)
    workstation_id: Mapped[int] = mapped_column(ForeignKey("workstations.id"), index=True)

    workstation: Mapped[Workstation] = relationship()
