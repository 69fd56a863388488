"""The library records (docs/rules.md, "Retention and purges"): the data a law-enforcement request
asks for, a hold preserves, and the retention schedule deletes."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure import clock
from disclosure.db import Base, UTCDateTime
from disclosure.vault import EncryptedText


class Branch(Base):
    """A library building of the consortium."""

    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Workstation(Base):
    """A public computer; a search warrant may seize one, which takes it out of service."""

    __tablename__ = "workstations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    out_of_service: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_service_reason: Mapped[str | None] = mapped_column(String(200))

    branch: Mapped[Branch] = relationship()


class Patron(Base):
    """A registered borrower. A minor links to a guardian (another patron record)."""

    __tablename__ = "patrons"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_number: Mapped[str] = mapped_column(String(32), unique=True)
    # contact details sealed at rest (docs/rules.md R-encrypted-at-rest); the card number stays
    # the lookup key
    name: Mapped[str] = mapped_column(EncryptedText(120))
    address: Mapped[str] = mapped_column(EncryptedText(300))
    phone: Mapped[str | None] = mapped_column(EncryptedText(40))
    email: Mapped[str | None] = mapped_column(EncryptedText(254))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    card_expires_on: Mapped[date] = mapped_column(Date)
    amount_owed: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0.00"))
    guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrons.id", ondelete="SET NULL"), index=True
    )
    home_branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # the portal's language the patron chose (disclosure/i18n.py); none: their browser's
    language: Mapped[str | None] = mapped_column(String(16))

    guardian: Mapped["Patron | None"] = relationship(remote_side=[id], foreign_keys=[guardian_id])
    home_branch: Mapped[Branch | None] = relationship()

    # Flask-Login's protocol: patrons sign in to the portal with card number and PIN.
    is_authenticated = True
    is_anonymous = False
    is_active = True
    kind = "patron"

    def get_id(self) -> str:
        return f"patron:{self.id}:{self.session_version}"


class Loan(Base):
    """A checkout. Once returned and settled it is circulation history, kept 60 days
    (docs/rules.md R-retention-loans-60d)."""

    __tablename__ = "loans"
    # returned_at for the purge; checked_out_at for a production or a hold by time window
    __table_args__ = (
        Index("ix_loans_returned_at", "returned_at"),
        Index("ix_loans_checked_out_at", "checked_out_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id", ondelete="CASCADE"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    item_barcode: Mapped[str] = mapped_column(String(40))
    item_title: Mapped[str] = mapped_column(String(300))
    checked_out_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fine_settled: Mapped[bool] = mapped_column(Boolean, default=True)


class ComputerSession(Base):
    """A sign-up and use of a public computer; kept 3 days (R-retention-sessions-3d). A walk-in
    may give only a name at sign-up, so `patron_id` is optional."""

    __tablename__ = "computer_sessions"
    __table_args__ = (Index("ix_computer_sessions_started_at", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workstation_id: Mapped[int] = mapped_column(ForeignKey("workstations.id"), index=True)
    patron_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrons.id", ondelete="CASCADE"), index=True
    )
    signup_name: Mapped[str | None] = mapped_column(EncryptedText(120))  # a walk-in's name, sealed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


ILL_OPEN_STATUSES = ("new", "pending", "received loan")
ILL_COMPLETED_STATUSES = ("cancelled", "returned", "received copy", "rejected")


class InterlibraryLoan(Base):
    """A request to borrow from another library. Once completed its personal data is removed,
    keeping status and department for statistics (docs/rules.md R-retention-ill-completed)."""

    __tablename__ = "interlibrary_loans"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(
        String(40), unique=True
    )  # the ILL system's request number
    patron_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrons.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(300))
    lending_library: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    department: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IllEmail(Base):
    """An e-mail message about an interlibrary loan; deleted once the request is completed."""

    __tablename__ = "ill_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    ill_id: Mapped[int] = mapped_column(
        ForeignKey("interlibrary_loans.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the patron's address and the message are sealed; the subject stays a lookup key
    to_address: Mapped[str] = mapped_column(EncryptedText(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(EncryptedText)


class Program(Base):
    """A library-sponsored program or event; its registrations are kept until it ends."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class ProgramRegistration(Base):
    """A patron's registration for a program."""

    __tablename__ = "program_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id", ondelete="CASCADE"), index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MailingList(Base):
    """A list patrons sign up to separately, for news of programs (R-retention-mailing-lists-6m)."""

    __tablename__ = "mailing_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class MailingListSubscription(Base):
    """A subscription; deleted after six months without activity (R-retention-mailing-lists-6m)."""

    __tablename__ = "mailing_list_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("mailing_lists.id", ondelete="CASCADE"), index=True
    )
    patron_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrons.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    subscribed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime)
