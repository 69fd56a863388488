"""The annual report to the board (README, "Documents"): requests by kind and outcome, holds placed,
renewed and expired, purges (records deleted per kind), patrons' requests and their turnaround.

Every figure is one aggregate query (GROUP BY), never a walk over rows, so a year with millions
of purged records costs no more than a quiet one. Gagged matters are counted only in bands
(docs/rules.md R-gag-bands): exact counts come only
from cases that pass `visibility.not_gagged()`, and the gagged ones are one banded line."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Integer, String, and_, cast, func, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import chain
from disclosure.breaches import service as breaches
from disclosure.cases.gag import band
from disclosure.cases.models import Case, CaseKind, Decision
from disclosure.cases.visibility import not_gagged
from disclosure.documents import charts
from disclosure.documents import facts as F
from disclosure.holds.models import Hold
from disclosure.patrons.models import PatronRequest
from disclosure.pdf import render_pdf
from disclosure.retention.models import PurgeRun, PurgeRunCount

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
OUTCOME_LABELS = {
    Decision.COMPLY.value: "Complied",
    Decision.COMPLY_IN_PART.value: "Complied in part",
    Decision.NO_RESPONSIVE_RECORDS.value: "No responsive records",
    Decision.REFUSE_IMPROPER.value: "Refused: process not in proper form",
    Decision.CHALLENGE.value: "Challenged in court",
    Decision.PROPER_PROCESS_REQUIRED.value: "Proper legal process required",
    None: "Not yet decided",
}


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year at the library, as UTC instants [start, end)."""
    return clock.start_of_local_day(date(year, 1, 1)), clock.start_of_local_day(
        date(year + 1, 1, 1)
    )


@dataclass
class Section:
    """A part of the report: rows of (label, number), and whether its area exists yet."""

    rows: list[tuple[str, int]] = field(default_factory=list)
    available: bool = True
    extra: dict = field(default_factory=dict)


@dataclass
class AnnualFigures:
    year: int
    requests_by_kind: list[tuple[str, int]]
    requests_by_outcome: list[tuple[str, int]]
    requests_total: int
    gagged_band: str
    per_month: list[tuple[str, int]]
    holds: Section
    purges: Section
    patrons: Section
    breaches: Section


def _utc_quarter_hour(session: Session, column):
    """`column` truncated to its UTC quarter hour, as text 'YYYY-MM-DD HH:MM', on either backend.
    A quarter hour, not an hour: some library zones are 30 or 45 minutes off an hour (Newfoundland,
    India, Nepal), and every zone's offset is a whole number of quarter hours."""
    if session.get_bind().dialect.name == "sqlite":  # SQLite stores naive UTC
        minute = cast(func.strftime("%M", column), Integer)
        quarter = minute - minute % 15  # not (m / 15) * 15: SQLAlchemy 2 makes "/" true division
        return func.strftime("%Y-%m-%d %H:", column).op("||")(func.printf("%02d", quarter))
    utc = func.timezone("UTC", column)
    quarter = cast(func.floor(func.extract("minute", utc) / 15) * 15, Integer)
    return func.to_char(utc, "YYYY-MM-DD HH24:").op("||")(func.lpad(cast(quarter, String), 2, "0"))


def _month_buckets(session: Session, column, where, year: int) -> list[tuple[str, int]]:
    """Counts per library-time month of `column`: grouped by UTC quarter hour in the database (at
    most 35,136 rows a year, fewer than the records), then each placed in its month at the
    library, exactly."""
    quarter = _utc_quarter_hour(session, column)
    rows = session.execute(select(quarter, func.count()).where(where).group_by(quarter)).all()
    counts = [0] * 12
    for text, count in rows:
        local = clock.local(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=clock.UTC))
        if local.year == year:
            counts[local.month - 1] += count
    return list(zip(MONTHS, counts, strict=True))


def request_figures(session: Session, year: int) -> dict:
    """Requests received in `year`: by kind, by outcome, per month (gagged ones only as a band)."""
    start, end = year_bounds(year)
    in_year = and_(Case.received_at >= start, Case.received_at < end)
    by_kind = dict(
        session.execute(
            select(Case.kind, func.count()).where(in_year, not_gagged()).group_by(Case.kind)
        ).all()
    )
    by_outcome = dict(
        session.execute(
            select(Case.decision, func.count()).where(in_year, not_gagged()).group_by(Case.decision)
        ).all()
    )
    gagged = (
        session.scalar(select(func.count()).select_from(Case).where(in_year, ~not_gagged())) or 0
    )
    kinds = [(F.kind_label(k.value), by_kind.get(k.value, 0)) for k in CaseKind]
    outcomes = [(label, by_outcome.get(value, 0)) for value, label in OUTCOME_LABELS.items()]
    return {
        "requests_by_kind": kinds,
        "requests_by_outcome": outcomes,
        "requests_total": sum(by_kind.values()),
        "gagged_band": band(gagged),
        "per_month": _month_buckets(session, Case.received_at, and_(in_year, not_gagged()), year),
    }


def hold_figures(session: Session, year: int) -> Section:
    """Holds placed, renewed, expired and released early in `year` (holds of gagged matters left
    out)."""
    start, end = year_bounds(year)
    now = clock.now()

    def count(*where) -> int:
        query = (
            select(func.count())
            .select_from(Hold)
            .join(Case, Case.id == Hold.case_id)
            .where(not_gagged(), *where)
        )
        return session.scalar(query) or 0

    placed = count(Hold.placed_at >= start, Hold.placed_at < end)
    renewed = count(Hold.renewed_at >= start, Hold.renewed_at < end)
    ended_by_expiry = and_(
        Hold.expires_at >= start,
        Hold.expires_at < end,
        Hold.expires_at <= now,
        (Hold.released_at.is_(None)) | (Hold.released_at >= Hold.expires_at),
    )
    expired = count(ended_by_expiry)
    released = count(
        Hold.released_at >= start, Hold.released_at < end, Hold.released_at < Hold.expires_at
    )
    return Section(
        rows=[
            ("Placed", placed),
            ("Renewed (the one 90-day extension)", renewed),
            ("Expired", expired),
            ("Released before expiry", released),
        ]
    )


def purge_figures(session: Session, year: int) -> Section:
    """Records deleted (and anonymised, and kept because of a hold) per kind by the purges of
    `year`."""
    Run, Count = PurgeRun, PurgeRunCount
    start, end = year_bounds(year)
    in_year = and_(Run.started_at >= start, Run.started_at < end)
    rows = session.execute(
        select(
            Count.kind,
            func.sum(Count.deleted),
            func.sum(Count.anonymised),
            func.sum(Count.kept_held),
        )
        .join(Run, Run.id == Count.run_id)
        .where(in_year)
        .group_by(Count.kind)
        .order_by(func.sum(Count.deleted).desc(), Count.kind)
    ).all()
    runs = session.scalar(select(func.count()).select_from(Run).where(in_year)) or 0
    deleted_per_month = _purge_months(session, year)
    table = [
        (F.purge_kind_label(kind), int(d or 0), int(a or 0), int(k or 0)) for kind, d, a, k in rows
    ]
    return Section(
        rows=[(label, d) for label, d, _a, _k in table],
        extra={
            "table": table,
            "runs": runs,
            "per_month": deleted_per_month,
            "deleted": sum(r[1] for r in table),
            "anonymised": sum(r[2] for r in table),
            "kept_held": sum(r[3] for r in table),
        },
    )


def _purge_months(session: Session, year: int) -> list[tuple[str, int]]:
    Run, Count = PurgeRun, PurgeRunCount
    start, end = year_bounds(year)
    rows = session.execute(
        select(Run.started_at, func.sum(Count.deleted))
        .join(Count, Count.run_id == Run.id)
        .where(Run.started_at >= start, Run.started_at < end)
        .group_by(Run.id, Run.started_at)
    ).all()
    counts = [0] * 12
    for started, deleted in rows:
        counts[clock.local(started).month - 1] += int(deleted or 0)
    return list(zip(MONTHS, counts, strict=True))


def patron_figures(session: Session, year: int) -> Section:
    """Patrons' requests for their own records received in `year`, and how fast they were
    answered."""
    Request = PatronRequest
    start, end = year_bounds(year)
    rows = session.execute(
        select(
            Request.received_at,
            Request.compiled_at,
            Request.due_on,
            Request.for_minor,
            Request.status,
        ).where(Request.received_at >= start, Request.received_at < end)
    ).all()
    answered = [
        (r.compiled_at - r.received_at).total_seconds() / 86400
        for r in rows
        if r.compiled_at is not None
    ]
    on_time = sum(
        1
        for r in rows
        if r.compiled_at is not None and clock.local(r.compiled_at).date() <= r.due_on
    )
    return Section(
        rows=[
            ("Received", len(rows)),
            ("For a minor, by a parent or guardian", sum(1 for r in rows if r.for_minor)),
            ("Answered", len(answered)),
            ("Answered by the due date", on_time),
            ("Withdrawn by the patron", sum(1 for r in rows if r.status == "withdrawn")),
        ],
        extra={
            "median_days": round(statistics.median(answered), 1) if answered else None,
            "longest_days": round(max(answered), 1) if answered else None,
        },
    )


def breach_figures(session: Session, year: int) -> Section:
    """Suspected breaches of patrons' data found in `year`, and how many had everyone told within
    24 hours (docs/rules.md R-breach-24h)."""
    counted = breaches.count_in(session, *year_bounds(year))
    return Section(
        rows=[
            ("Suspected breaches found", counted["found"]),
            ("Board, consortium and patrons all told within 24 hours", counted["told_in_time"]),
        ]
    )


def figures(session: Session, year: int) -> AnnualFigures:
    """Every figure of the annual report for `year`."""
    return AnnualFigures(
        year=year,
        **request_figures(session, year),
        holds=hold_figures(session, year),
        purges=purge_figures(session, year),
        patrons=patron_figures(session, year),
        breaches=breach_figures(session, year),
    )


def render(session: Session, year: int, signer) -> bytes:
    """The annual report as PDF bytes."""

    data = figures(session, year)
    today = clock.today()
    # a year still running is reported to date: its figures stop today, not on 31 December
    through = today if year == today.year else None
    return render_pdf(
        "documents/annual_report.html",
        reference=f"Annual report {year}" + (" (to date)" if through else ""),
        f=data,
        through=through,
        signer=signer,
        signer_title=F.director_title(session, signer),
        issued=clock.today(),
        # the audit trail's head when the report was drawn: a copy kept by the board, outside
        # the database (docs/rules.md R-audit-chained)
        audit_head=chain.head(session),
        chart_months=charts.column_chart(
            data.per_month, title=f"Requests received per month, {year}", height=170
        ),
        chart_purges=(
            charts.column_chart(
                data.purges.extra["per_month"],
                title=f"Records deleted per month, {year}",
                color="#0b6e4f",
                height=170,
            )
            if data.purges.available
            else None
        ),
    )
