"""The audit trail: who did what to which object, when. Never personal data in the text."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from disclosure import clock
from disclosure.db import Base, UTCDateTime


class AuditEvent(Base):
    """One thing that happened. `case_id` ties it to a case so that gag-order visibility
    (one rule) can hide it along with the case."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_patron_id: Mapped[int | None] = mapped_column(Integer)  # no FK: survives a purge
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    # the hash chain (audit/chain.py): the event before's hash, and this one's
    prev_sha256: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)


class ChainVerification(Base):
    """One walk of the chain (`disclosure audit verify`, or the daily job): when, by whom, how far
    it got and what it found. The Director's audit page shows the last one."""

    __tablename__ = "audit_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    by: Mapped[str] = mapped_column(String(40))  # 'command line', 'daily job'
    checked: Mapped[int] = mapped_column(Integer)
    head_sha256: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    bad_event_id: Mapped[int | None] = mapped_column(Integer)
    finding: Mapped[str] = mapped_column(Text, default="")
    anchor_sha256: Mapped[str | None] = mapped_column(String(64))
