"""Retention rules (one per record kind), the record of each purge run, and the statistics the
purge keeps before it deletes (docs/rules.md, "Retention and purges")."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure import clock
from disclosure.db import Base, UTCDateTime


class RetentionRule(Base):
    """How many days a kind of record is kept after the event that starts its clock. A kind with
    no row uses the default of docs/rules.md (retention.rules.defaults())."""

    __tablename__ = "retention_rules"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PurgeRun(Base):
    """One run of the purge: when, how it ended, and per kind how many records went (counts
    only, never names). `heartbeat_at` moves with every batch: a run whose heartbeat is old
    died, and no longer keeps another run from starting; so does one whose process (`host`,
    `pid`) is gone from this host."""

    __tablename__ = "purge_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(
        String(20), index=True
    )  # running, finished, failed, interrupted
    trigger: Mapped[str] = mapped_column(String(20))  # scheduler, command
    # the process running it: on this host, a run whose process is gone died at once
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)

    counts: Mapped[list["PurgeRunCount"]] = relationship(
        order_by="PurgeRunCount.id", lazy="selectin"
    )

    @property
    def kept_because_held(self) -> int:
        return sum(c.kept_held for c in self.counts)

    @property
    def preserved(self) -> int:
        """How many records the run copied into the preservation store before they went."""
        return sum(c.preserved for c in self.counts)


class PurgeRunCount(Base):
    """Per kind of record, what one run did."""

    __tablename__ = "purge_run_counts"
    __table_args__ = (UniqueConstraint("run_id", "kind", name="uq_purge_run_counts_run_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("purge_runs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    anonymised: Mapped[int] = mapped_column(Integer, default=0)
    kept_held: Mapped[int] = mapped_column(Integer, default=0)
    # copied into the preservation store before they went (holds/preservation.py)
    preserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # copies deleted from the store because every hold that kept them had ended
    copies_removed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LoanStatistic(Base):
    """Loans per branch per month (library time), counted as each loan is purged."""

    __tablename__ = "loan_statistics"
    __table_args__ = (
        UniqueConstraint("branch_id", "month", name="uq_loan_statistics_branch_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(Integer)  # no FK: statistics outlive a branch
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    loans: Mapped[int] = mapped_column(Integer, default=0)


class ComputerSessionStatistic(Base):
    """Computer sessions per branch per day (library time), counted as each session is purged."""

    __tablename__ = "computer_session_statistics"
    __table_args__ = (
        UniqueConstraint("branch_id", "day", name="uq_computer_session_statistics_branch_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
