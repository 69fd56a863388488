"""Generated documents: letters from the Director, certificates of production, receipts, the
annual report. A draft may be edited; a final document is kept as its PDF bytes with their
SHA-256 and never changed again (docs/rules.md R-final-documents-unchanged)."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.auth.models import User
from disclosure.cases.models import Case
from disclosure.db import Base, UTCDateTime
from disclosure.public_ids import PublicId
from disclosure.vault import EncryptedBytes, EncryptedText


class DocumentKind(str, enum.Enum):
    """Every document the library generates; the letters are drafts first, the rest final at
    once."""

    PROPER_PROCESS_REQUIRED = "proper_process_required"
    REFUSAL_IMPROPER = "refusal_improper"
    COMPLIANCE_COVER = "compliance_cover"
    NO_RESPONSIVE_RECORDS = "no_responsive_records"
    PRESERVATION_CONFIRMED = "preservation_confirmed"
    PRESERVATION_RENEWED = "preservation_renewed"
    EXIGENT_FOLLOW_UP = "exigent_follow_up"
    PRODUCTION_CERTIFICATE = "production_certificate"
    RECEIPT = "receipt"
    ANNUAL_REPORT = "annual_report"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def is_letter(self) -> bool:
        return self in LETTER_KINDS


KIND_LABELS = {
    DocumentKind.PROPER_PROCESS_REQUIRED: "Letter: proper legal process required",
    DocumentKind.REFUSAL_IMPROPER: "Letter: refusal, process not in proper form",
    DocumentKind.COMPLIANCE_COVER: "Letter: compliance cover letter",
    DocumentKind.NO_RESPONSIVE_RECORDS: "Letter: no responsive records",
    DocumentKind.PRESERVATION_CONFIRMED: "Letter: preservation confirmed",
    DocumentKind.PRESERVATION_RENEWED: "Letter: preservation renewed",
    DocumentKind.EXIGENT_FOLLOW_UP: "Letter: exigent follow-up",
    DocumentKind.PRODUCTION_CERTIFICATE: "Certificate of production",
    DocumentKind.RECEIPT: "Receipt given at the desk",
    DocumentKind.ANNUAL_REPORT: "Annual report to the board",
}

LETTER_KINDS = frozenset(
    {
        DocumentKind.PROPER_PROCESS_REQUIRED,
        DocumentKind.REFUSAL_IMPROPER,
        DocumentKind.COMPLIANCE_COVER,
        DocumentKind.NO_RESPONSIVE_RECORDS,
        DocumentKind.PRESERVATION_CONFIRMED,
        DocumentKind.PRESERVATION_RENEWED,
        DocumentKind.EXIGENT_FOLLOW_UP,
    }
)


class DocumentStatus(str, enum.Enum):
    DRAFT = "draft"
    FINAL = "final"


class Document(PublicId, Base):
    """One generated document. `case_id` is empty only for the annual report. `params` holds
    what the document is about beyond its case (the production, the hold, the report's year),
    as ids and dates, so the document can be drawn again from the same facts."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=DocumentStatus.DRAFT.value)
    params: Mapped[dict] = mapped_column(JSON, default=dict)

    # the letter text the Director edits while it is a draft
    addressee: Mapped[str | None] = mapped_column(EncryptedText)
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(EncryptedText)

    # the kept document, once final
    pdf: Mapped[bytes | None] = mapped_column(EncryptedBytes)
    sha256: Mapped[str | None] = mapped_column(String(64))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    finalized_by: Mapped[User | None] = relationship(foreign_keys=[finalized_by_id])

    @property
    def is_final(self) -> bool:
        return self.status == DocumentStatus.FINAL.value

    @property
    def kind_enum(self) -> DocumentKind:
        return DocumentKind(self.kind)

    @property
    def file_name(self) -> str:
        """A download name with no personal data: the reference and the kind."""
        prefix = self.case.reference if self.case is not None else str(self.params.get("year", ""))
        return f"{prefix}-{self.kind.replace('_', '-')}-{self.id}.pdf".lstrip("-")


class FinalDocumentChanged(Exception):
    """Raised when code (not a person) tries to change a kept document; the service refuses
    people with a DomainError before it gets this far."""


@event.listens_for(Document, "before_update")
def _final_documents_never_change(_mapper, _connection, target: Document) -> None:
    # A last line behind the service: once a document was final in the database, no column of
    # it may change. A lawyer signed it; the hash printed elsewhere must keep matching.
    state = inspect(target)
    status = state.attrs.status.history
    previous = status.deleted[0] if status.deleted else target.status
    if previous == DocumentStatus.FINAL.value:
        changed = [attr.key for attr in state.attrs if attr.history.has_changes()]
        if changed:
            raise FinalDocumentChanged(f"document {target.id} is final; changed: {changed}")
