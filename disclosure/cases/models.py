"""Cases: one law-enforcement request each, from the desk to closure (docs/rules.md)."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure import clock
from disclosure.auth.models import User
from disclosure.db import Base, UTCDateTime
from disclosure.public_ids import PublicId
from disclosure.vault import EncryptedJSON, EncryptedText


class CaseKind(str, enum.Enum):
    """What the officer presented (docs/rules.md, "Requests and cases")."""

    INFORMAL = "informal"
    SUBPOENA = "subpoena"
    SEARCH_WARRANT = "search_warrant"
    COURT_ORDER = "court_order"
    FISA_ORDER = "fisa_order"
    NSL = "nsl"
    PRESERVATION = "preservation"
    EXIGENT = "exigent"


# What an officer presents as legal process from a court; an informal request, a preservation
# request and an emergency bring none of their own.
LEGAL_PROCESS_KINDS = frozenset(
    {
        CaseKind.SUBPOENA,
        CaseKind.SEARCH_WARRANT,
        CaseKind.COURT_ORDER,
        CaseKind.FISA_ORDER,
        CaseKind.NSL,
    }
)
# Gagged from intake on: a FISA / PATRIOT Act s.215 order and an NSL carry a nondisclosure order.
GAGGED_KINDS = frozenset({CaseKind.FISA_ORDER, CaseKind.NSL})
# Cases gagged from intake are numbered in their own series, at random (see intake._number).
RESTRICTED_SERIES = "R"
# The Director's queue puts these first.
URGENT_KINDS = frozenset(
    {CaseKind.SEARCH_WARRANT, CaseKind.FISA_ORDER, CaseKind.NSL, CaseKind.EXIGENT}
)


def format_reference(year: int, series: str, number: int) -> str:
    """A case's reference from its parts (also used where only the columns are read)."""
    return f"{year}-{series}{number:04d}"


class CaseStatus(str, enum.Enum):
    """Where a case stands; every step records who and when in the timeline (audit events)."""

    WITH_DIRECTOR = "with_director"
    COUNSEL_REVIEW = "counsel_review"
    ADVICE_RECORDED = "advice_recorded"
    DECIDED = "decided"
    CLOSED = "closed"


class Decision(str, enum.Enum):
    """The Director's answer, recorded only after counsel's advice."""

    COMPLY = "comply"
    COMPLY_IN_PART = "comply_in_part"
    NO_RESPONSIVE_RECORDS = "no_responsive_records"
    REFUSE_IMPROPER = "refuse_improper"
    CHALLENGE = "challenge"
    PROPER_PROCESS_REQUIRED = "proper_process_required"


class Case(PublicId, Base):
    """A request for library records, numbered per year ('2026-0042')."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("year", "series", "number", name="uq_cases_year_series_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    # "" for the ordinary series; RESTRICTED_SERIES for cases gagged from intake, numbered apart so
    # that the ordinary numbers have no gaps that would count gagged matters (see intake._number).
    series: Mapped[str] = mapped_column(String(2), default="", server_default="")
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(
        String(20), index=True, default=CaseStatus.WITH_DIRECTOR.value
    )

    # at the desk
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    officer_name: Mapped[str] = mapped_column(String(120))
    officer_badge: Mapped[str | None] = mapped_column(String(60))
    officer_agency: Mapped[str] = mapped_column(String(200))
    officer_jurisdiction: Mapped[str | None] = mapped_column(String(200))
    officer_contact: Mapped[str | None] = mapped_column(String(200))
    records_sought: Mapped[str] = mapped_column(EncryptedText, default="")

    # the document presented
    court: Mapped[str | None] = mapped_column(String(200))
    docket_number: Mapped[str | None] = mapped_column(String(100))
    issued_on: Mapped[date | None] = mapped_column(Date)
    return_date: Mapped[date | None] = mapped_column(Date)
    court_order_received: Mapped[bool] = mapped_column(Boolean, default=False)

    # counsel
    counsel_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    counsel_due_on: Mapped[date | None] = mapped_column(Date)

    # decision and closure
    decision: Mapped[str | None] = mapped_column(String(30))
    decision_reason: Mapped[str | None] = mapped_column(EncryptedText)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(EncryptedText)

    # exigent: paper must follow
    paperwork_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paperwork_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # gag order (nondisclosure): the case exists only for its circle while gagged
    gagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    gag_issued_by: Mapped[str | None] = mapped_column(EncryptedText(200))
    gag_issued_on: Mapped[date | None] = mapped_column(Date)
    gag_until: Mapped[date | None] = mapped_column(Date)
    gag_lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gag_lift_reason: Mapped[str | None] = mapped_column(EncryptedText)

    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id])
    counsel: Mapped[User | None] = relationship(foreign_keys=[counsel_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    subjects: Mapped[list["CaseSubject"]] = relationship(
        order_by="CaseSubject.id", cascade="all, delete-orphan"
    )
    documents: Mapped[list["CaseDocument"]] = relationship(
        order_by="CaseDocument.id", cascade="all, delete-orphan"
    )
    advice: Mapped[list["CounselAdvice"]] = relationship(
        order_by="CounselAdvice.id", cascade="all, delete-orphan"
    )
    waiver: Mapped["ExigentWaiver | None"] = relationship(cascade="all, delete-orphan")
    warrant: Mapped["WarrantExecution | None"] = relationship(cascade="all, delete-orphan")
    productions: Mapped[list["Production"]] = relationship(order_by="Production.id", viewonly=True)

    @property
    def reference(self) -> str:
        """The number the library and the officer use: '2026-0042' (or '2026-R4821')."""
        return format_reference(self.year, self.series, self.number)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_urgent(self) -> bool:
        """Warrant, FISA order, NSL and exigent requests go to the top of the Director's queue."""
        return CaseKind(self.kind) in URGENT_KINDS

    @property
    def release_is_lawful(self) -> bool:
        """True when records may go to the agency at all: the case carries legal process from a
        court (the officer presented a subpoena, warrant, court order, FISA order or NSL, or a
        court order was attached later), or it is an emergency answered under a waiver made on
        counsel's advice (docs/rules.md R-records-only-under-process)."""
        return (
            CaseKind(self.kind) in LEGAL_PROCESS_KINDS
            or self.court_order_received
            or (CaseKind(self.kind) == CaseKind.EXIGENT and self.waiver is not None)
        )

    @property
    def latest_advice(self) -> "CounselAdvice | None":
        """Counsel's advice in force (the newest), if any."""
        return self.advice[-1] if self.advice else None

    @property
    def has_counsel_advice(self) -> bool:
        """True once counsel has advised: a review recorded, or the advice an exigent waiver
        carries.
        The Director decides only after this (docs/rules.md R-counsel-before-decision)."""
        return bool(self.advice) or self.waiver is not None

    @property
    def paperwork_overdue(self) -> bool:
        """An exigent case whose officer has not yet brought the paper, past its due date."""
        return (
            self.paperwork_due_at is not None
            and self.paperwork_received_at is None
            and self.paperwork_due_at < clock.now()
        )


class CaseMember(Base):
    """Someone the Director added by name to a gagged case's need-to-know circle."""

    __tablename__ = "case_members"
    __table_args__ = (UniqueConstraint("case_id", "user_id", name="uq_case_members_case_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Production(PublicId, Base):
    """What the Director released, frozen: a copy of the released records (the originals may
    later be purged), to whom, under what authority, by whom and when."""

    __tablename__ = "productions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    produced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    produced_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recipient: Mapped[str] = mapped_column(String(300))
    authority: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    manifest: Mapped[dict] = mapped_column(
        JSON, default=dict
    )  # file name -> sha256, counts per kind

    case: Mapped[Case] = relationship()
    produced_by: Mapped[User] = relationship()
    items: Mapped[list["ProductionItem"]] = relationship(
        back_populates="production", order_by="ProductionItem.id"
    )

    @property
    def number_in_case(self) -> int:
        """1 for its case's first production, 2 for the second: what pages and certificates
        print, never the database id, which counts every case's productions, gagged ones too
        (docs/rules.md R-gag-numbers-count-nothing)."""
        return sorted(p.id for p in self.case.productions).index(self.id) + 1


class ProductionItem(Base):
    """One released record, copied at the moment of release. `patron_id` (no foreign key, so it
    survives the patron's purge) lets the patron's own report list the disclosure."""

    __tablename__ = "production_items"
    __table_args__ = (Index("ix_production_items_patron", "patron_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(
        ForeignKey("productions.id", ondelete="CASCADE"), index=True
    )
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    patron_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(EncryptedJSON)  # the released record, sealed

    production: Mapped[Production] = relationship(back_populates="items")


# ---- what was asked, what was handed over, what counsel said, what happened ----------------


class SubjectKind(str, enum.Enum):
    """What an officer's request names: a patron, a public computer, or a time window."""

    PATRON = "patron"
    WORKSTATION = "workstation"
    TIME_WINDOW = "time_window"


class CaseSubject(Base):
    """One thing the request names (a patron's card number, a workstation, a time window), as the
    officer gave it at the desk; the production later picks records with these."""

    __tablename__ = "case_subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str | None] = mapped_column(String(120))  # card number or workstation code
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DocumentKind(str, enum.Enum):
    """Why a scan is in the file."""

    LEGAL_PROCESS = "legal_process"  # the paper the officer presented at the desk
    FOLLOW_UP = "follow_up"  # the paper an officer brings after an exigent release
    COURT_ORDER = "court_order"  # a court order received later (ends a preservation hold's clock)
    OTHER = "other"


class CaseDocument(PublicId, Base):
    """A scan of a paper (PDF, JPEG or PNG), stored outside static/ under a generated name; the
    uploaded name is kept only to show, never used in a path."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    uploaded_by: Mapped[User] = relationship()


class Recommendation(str, enum.Enum):
    """Counsel's recommendation to the Director."""

    COMPLY = "comply"
    COMPLY_IN_PART = "comply_in_part"
    NO_RESPONSIVE_RECORDS = "no_records"  # the column holds 20 characters
    REFUSE = "refuse"
    CHALLENGE = "challenge"
    REQUIRE_PROCESS = "require_process"


# The legal-process checklist (docs/rules.md R-process-in-proper-form: a competent court, good
# cause, proper form), one column each so a refusal can name the defect.
CHECKLIST = (
    ("competent_court", "Issued by a court of competent jurisdiction"),
    ("good_cause", "Shows good cause"),
    ("proper_form", "In proper form"),
    ("signed", "Signed"),
    ("in_date", "In date (not expired)"),
    ("within_jurisdiction", "Within the court's jurisdiction"),
)

# Each checklist item the process fails, as a refusal says it (the letter's bullets, the reason a
# refusal records when the Director gives none).
DEFECT_WORDS = {
    "competent_court": "It was not issued by a court of competent jurisdiction.",
    "good_cause": "It does not show good cause.",
    "proper_form": "It is not in proper form.",
    "signed": "It is not signed.",
    "in_date": "It is out of date (expired).",
    "within_jurisdiction": "It reaches beyond the issuing court's jurisdiction.",
}


class CounselAdvice(Base):
    """Counsel's review of a case: confidential advice, a recommendation, the checklist. The
    newest row is the advice in force; earlier ones stay as the record of what was said."""

    __tablename__ = "counsel_advice"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    counsel_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    advice: Mapped[str] = mapped_column(EncryptedText)
    recommendation: Mapped[str] = mapped_column(String(20))
    competent_court: Mapped[bool] = mapped_column(Boolean, default=False)
    good_cause: Mapped[bool] = mapped_column(Boolean, default=False)
    proper_form: Mapped[bool] = mapped_column(Boolean, default=False)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    in_date: Mapped[bool] = mapped_column(Boolean, default=False)
    within_jurisdiction: Mapped[bool] = mapped_column(Boolean, default=False)

    counsel: Mapped[User] = relationship()

    @property
    def defects(self) -> list[str]:
        """The checklist items the process fails, in words."""
        return [label for name, label in CHECKLIST if not getattr(self, name)]

    @property
    def defects_in_words(self) -> list[str]:
        """The checklist items the process fails, each as a sentence a refusal letter can say."""
        return [
            DEFECT_WORDS.get(name, f"Not met: {label}.")
            for name, label in CHECKLIST
            if not getattr(self, name)
        ]


class ExigentWaiver(Base):
    """The Director's waiver of legal process in an emergency, made only upon counsel's advice
    (docs/rules.md R-exigent-on-counsels-advice): who advised, when, what, the officer's stated
    emergency, what was released."""

    __tablename__ = "exigent_waivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    counsel_name: Mapped[str] = mapped_column(String(120))
    advised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    advice: Mapped[str] = mapped_column(EncryptedText)
    by_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency: Mapped[str] = mapped_column(EncryptedText)
    released: Mapped[str] = mapped_column(EncryptedText)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User] = relationship()


class WarrantExecution(Base):
    """What happened when a search warrant was executed at the library (recorded at the desk)."""

    __tablename__ = "warrant_executions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    executed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    areas_searched: Mapped[str] = mapped_column(Text, default="")
    equipment_searched: Mapped[str] = mapped_column(Text, default="")
    items_seized: Mapped[str] = mapped_column(Text, default="")
    seized_workstation_ids: Mapped[list] = mapped_column(JSON, default=list)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
