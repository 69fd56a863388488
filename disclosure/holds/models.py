"""Preservation holds: what an agency asked the library to keep, for how long (docs/rules.md
R-hold-90-90)."""

import enum
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure import clock
from disclosure.auth.models import User
from disclosure.cases.models import Case
from disclosure.db import Base, UTCDateTime
from disclosure.public_ids import PublicId
from disclosure.records import kinds
from disclosure.records.models import Branch, Patron, Workstation
from disclosure.vault import EncryptedText


class Category(str):
    """A record category a hold can name (docs/rules.md R-hold-names-its-scope): the key of a hold
    category of records.kinds. Refuses (ValueError) a key no kind belongs to."""

    def __new__(cls, key: str) -> "Category":
        if key not in {c.key for c in kinds.categories()}:
            raise ValueError(f"No kind of record belongs to the category {key!r}.")
        return super().__new__(cls, key)

    @property
    def value(self) -> str:
        """The key, as forms and templates read it."""
        return str(self)

    @property
    def label(self) -> str:
        """The library's words: 'Interlibrary-loan requests and their e-mails'."""
        return kinds.category(self).label


class _CategoryLabels(Mapping):
    """Category -> the library's words, in display order, always as registered."""

    def __getitem__(self, key) -> str:
        return kinds.category(key).label

    def __iter__(self):
        return iter([Category(c.key) for c in kinds.categories()])

    def __len__(self) -> int:
        return len(kinds.categories())


CATEGORY_LABELS = _CategoryLabels()


class Scope(str, enum.Enum):
    """Which key narrows a hold; it decides which index the hold predicate uses."""

    PATRONS = "patrons"  # named patrons (and optionally workstations)
    WORKSTATIONS = "workstations"
    BRANCH = "branch"
    LIBRARY = "library"  # every record of its categories (maybe within a time window)


class Hold(PublicId, Base):
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

    # what it covers: categories (CoveredCategory), narrowed by patrons, workstations or a
    # branch, a time window
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
    patrons: Mapped[list["HoldPatron"]] = relationship(
        cascade="all, delete-orphan", order_by="HoldPatron.id"
    )
    workstations: Mapped[list["HoldWorkstation"]] = relationship(
        cascade="all, delete-orphan", order_by="HoldWorkstation.id"
    )
    covered: Mapped[list["CoveredCategory"]] = relationship(
        cascade="all, delete-orphan", order_by="CoveredCategory.id", lazy="selectin"
    )

    @property
    def categories(self) -> list[Category]:
        """The categories this hold names, in the usual order."""
        named = {c.category for c in self.covered}
        return [Category(c.key) for c in kinds.categories() if c.key in named]

    def set_categories(self, categories) -> None:
        """Name exactly these categories."""
        chosen = list(dict.fromkeys(Category(c) for c in categories))
        kept = [c for c in self.covered if c.category in chosen]
        have = {c.category for c in kept}
        self.covered = kept + [CoveredCategory(category=c) for c in chosen if c not in have]

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


class CoveredCategory(Base):
    """A record category a hold names (its key in records.kinds)."""

    __tablename__ = "hold_categories"
    __table_args__ = (
        UniqueConstraint("hold_id", "category", name="uq_hold_categories_hold_category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("holds.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(40))


class HoldPatron(Base):
    """A patron a hold names, by the card number it was placed on. When the purge deletes the
    patron's registration (their card expired; a copy goes to the store first), the link stays
    with its card number and no patron: the hold's page and letters still name the card
    (docs/rules.md R-hold-names-its-scope), and the hold covers no one else's records."""

    __tablename__ = "hold_patrons"
    __table_args__ = (UniqueConstraint("hold_id", "patron_id", name="uq_hold_patrons_hold_patron"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("holds.id", ondelete="CASCADE"), index=True)
    patron_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrons.id", ondelete="SET NULL"), index=True
    )
    card_number: Mapped[str] = mapped_column(String(32))

    patron: Mapped[Patron | None] = relationship()

    @classmethod
    def naming(cls, patron: Patron) -> "HoldPatron":
        """The link of a hold to `patron`, with the card number the hold names."""
        return cls(patron_id=patron.id, card_number=patron.card_number)


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


# ---- the preservation store (docs/rules.md R-hold-preserved-apart) ------------------------------

# The one column type a preserved copy's content is stored in: confidential text, sealed like
# every other (docs/rules.md R-encrypted-at-rest); every copy is written and read through it
# (holds/preservation.py), and `keys rotate` re-seals it with the rest.
PreservedContent = EncryptedText


class PreservedRecord(Base):
    """A copy of a library record as it stood when the purge, an anonymisation or a patron's
    change would have deleted or altered it while a hold covered it. Out of ordinary use: only
    the Director's preservation pages and the productions of the holds' cases read it."""

    __tablename__ = "preserved_records"
    __table_args__ = (Index("ix_preserved_records_kind_original", "kind", "original_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # the key of records.kinds
    original_id: Mapped[int] = mapped_column()
    content: Mapped[str] = mapped_column(PreservedContent)  # the row's columns, as JSON
    preserved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    why: Mapped[str] = mapped_column(String(40))  # purge, anonymisation, email_removed, corrected


class PreservedRecordHold(Base):
    """A hold that covered the record when it was preserved: the copy lives while any of them
    is active (retention.purge removes it at the next run after the last one ends)."""

    __tablename__ = "preserved_record_holds"
    __table_args__ = (
        UniqueConstraint("preserved_id", "hold_id", name="uq_preserved_record_holds_record_hold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    preserved_id: Mapped[int] = mapped_column(
        ForeignKey("preserved_records.id", ondelete="CASCADE")
    )
    hold_id: Mapped[int] = mapped_column(ForeignKey("holds.id", ondelete="CASCADE"), index=True)


class HoldCount(Base):
    """How many records of one kind a hold's scope covered when last counted: counted when the
    hold changes and again by each purge (holds.coverage.refresh_counts), never on a page view,
    so a page shows it "as of" `counted_at`."""

    __tablename__ = "hold_counts"

    hold_id: Mapped[int] = mapped_column(
        ForeignKey("holds.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    records: Mapped[int] = mapped_column(Integer)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)
