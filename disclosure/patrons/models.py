"""Patrons' own records (docs/rules.md, "Patrons' own records"): requests
for one's own (or a minor's) records, the frozen reports, consent releases to a third party,
corrections, and the per-card sign-in lockout of the portal."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.auth.models import User
from disclosure.db import Base, UTCDateTime
from disclosure.public_ids import PublicId
from disclosure.records.models import Patron
from disclosure.vault import EncryptedBytes, EncryptedText


class RequestStatus(str, enum.Enum):
    """Where a patron's request stands. Nothing is compiled before staff have seen photo ID."""

    AWAITING_ID = "awaiting_id"
    COMPILING = "compiling"  # ID seen; the scheduler compiles the report (disclosure/work.py)
    READY = "ready"
    WITHDRAWN = "withdrawn"


# The kinds of photo ID staff may record. Only the kind: never its number (R-patron-id-checked:
# staff *see* ID, they keep no copy of it).
ID_KINDS = {
    "drivers_license": "Driver's license",
    "state_id": "State ID card",
    "passport": "Passport",
    "military_id": "Military ID",
    "other_photo_id": "Other photo ID",
}
GUARDIANSHIP_PROOFS = {
    "birth_certificate": "Birth certificate naming the guardian",
    "court_order": "Court order of guardianship",
    "adoption_decree": "Adoption decree",
    "other_legal_proof": "Other legal proof of guardianship",
}


class PatronRequest(PublicId, Base):
    """A patron (or a minor's guardian) asks for the library records that identify them."""

    __tablename__ = "patron_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # whose records: the patron, or the minor a guardian asks for
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("patrons.id", ondelete="CASCADE"), index=True
    )
    # who asked, and who alone may download the result
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("patrons.id", ondelete="CASCADE"), index=True
    )
    for_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(10))  # 'portal' or 'desk' (a written request)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What proves a written request logged at the desk came from the patron (docs/rules.md
    # R-desk-request-proved): 'scan' (their signed paper, kept like a consent's scan) or 'pin'
    # (typed by the patron on the desk's screen). None for a request made in the portal.
    desk_proof: Mapped[str | None] = mapped_column(String(10))
    signed_scan_name: Mapped[str | None] = mapped_column(String(80))
    signed_scan_type: Mapped[str | None] = mapped_column(String(40))
    signed_scan_sha256: Mapped[str | None] = mapped_column(String(64))
    kinds: Mapped[list | None] = mapped_column(JSON)  # None: every kind
    covers_from: Mapped[date | None] = mapped_column(Date)
    covers_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(
        String(20), index=True, default=RequestStatus.AWAITING_ID.value
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    id_kind: Mapped[str | None] = mapped_column(String(40))
    guardianship_proof: Mapped[str | None] = mapped_column(String(40))
    compiled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    download_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a request closed unanswered: when and why (who: its audit event). The reason is typed by
    # staff, so it is kept here, never in the audit trail (docs/rules.md R-no-personal-data-out).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(EncryptedText)  # sealed like the details

    subject: Mapped[Patron] = relationship(foreign_keys=[subject_id])
    requester: Mapped[Patron] = relationship(foreign_keys=[requester_id])
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    report: Mapped["FrozenReport | None"] = relationship(back_populates="request", uselist=False)

    @property
    def reference(self) -> str:
        """The number the patron and the desk use: 'PR-00012'."""
        return f"PR-{self.id:05d}"

    @property
    def id_kind_label(self) -> str:
        return ID_KINDS.get(self.id_kind or "", "—")

    @property
    def guardianship_proof_label(self) -> str:
        return GUARDIANSHIP_PROOFS.get(self.guardianship_proof or "", "—")


class ConsentRelease(PublicId, Base):
    """A third party brings the patron's signed consent (R-consent-release): staff record what it
    covers and release exactly that, once, as a frozen copy."""

    __tablename__ = "consent_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(EncryptedText(300))
    signed_by_guardian: Mapped[bool] = mapped_column(Boolean, default=False)
    kinds: Mapped[list] = mapped_column(JSON)
    covers_from: Mapped[date | None] = mapped_column(Date)
    covers_to: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    scan_name: Mapped[str] = mapped_column(String(80))  # generated; never the uploaded file's name
    scan_type: Mapped[str] = mapped_column(String(40))
    scan_sha256: Mapped[str] = mapped_column(String(64))
    scan_bytes: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    patron: Mapped[Patron] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])
    report: Mapped["FrozenReport | None"] = relationship(back_populates="consent", uselist=False)

    @property
    def reference(self) -> str:
        return f"CR-{self.id:05d}"


class FrozenReport(Base):
    """What was delivered, frozen at compilation: the PDF, JSON and CSV with their SHA-256, so a
    later purge of the originals does not change it. The content is dropped once the download
    period is over (the hashes and counts stay, as proof of what was given)."""

    __tablename__ = "patron_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("patron_requests.id", ondelete="CASCADE"), unique=True
    )
    consent_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_releases.id", ondelete="CASCADE"), unique=True
    )
    compiled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    counts: Mapped[dict] = mapped_column(JSON)
    # The files load only when one is downloaded or printed: a page listing reports never
    # reads megabytes of PDF it does not show.
    pdf: Mapped[bytes | None] = mapped_column(EncryptedBytes, deferred=True)
    json_data: Mapped[bytes | None] = mapped_column(EncryptedBytes, deferred=True)
    csv_data: Mapped[bytes | None] = mapped_column(EncryptedBytes, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    json_sha256: Mapped[str] = mapped_column(String(64))
    csv_sha256: Mapped[str] = mapped_column(String(64))
    content_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The productions listed as disclosures (ids, never shown): if one's case is gagged later,
    # this copy must stop telling of it (patrons/gagging.py). None on reports made before 0009.
    production_ids: Mapped[list | None] = mapped_column(JSON)

    request: Mapped[PatronRequest | None] = relationship(back_populates="report")
    consent: Mapped[ConsentRelease | None] = relationship(back_populates="report")


class CorrectionRequest(Base):
    """A patron asks staff to correct their registration details (R-patron-choices: updates are
    done in person, subject to verification): a task on the desk queue."""

    __tablename__ = "patron_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id", ondelete="CASCADE"), index=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    details: Mapped[str] = mapped_column(EncryptedText)  # the patron's words, sealed
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    staff_note: Mapped[str | None] = mapped_column(EncryptedText)

    patron: Mapped[Patron] = relationship()
    done_by: Mapped[User | None] = relationship()


class PatronEmail(Base):
    """An e-mail to a patron, in the outbox until sent. It carries no personal data
    (R-patron-email-no-data): its words are one of patrons/mail.py's fixed messages, and the
    address is read from the card at send time (removed from the card: never sent)."""

    __tablename__ = "patron_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(40))  # a key of patrons/mail.py MESSAGES
    link: Mapped[str] = mapped_column(String(300))  # a path on this site, never personal data
    # once_key: a message sent at most once ('download-ending:12'), so a job run twice sends one
    once_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    email_error: Mapped[str | None] = mapped_column(String(120))


class PinLink(Base):
    """A one-time way to set a patron's PIN (R-patron-sets-own-pin): opened on the desk's screen
    for the patron, or sent by e-mail. Only the token's SHA-256 is kept; used once."""

    __tablename__ = "patron_pin_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(10))  # 'desk' or 'email'
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    patron: Mapped[Patron] = relationship()
