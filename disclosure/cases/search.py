"""Finding cases: the staff search box and the Director's archive of every case, with its
filters, order and CSV export. Every query here goes through cases.visibility.case_filter, so
nobody finds, counts or exports a case they may not see (docs/rules.md R-gag-invisible,
R-counsel-sees-assigned); nothing here writes but the audit event of an export.

`matches()` is the one place that decides how typed words meet a case's columns. The words of
the request are stored sealed (disclosure.vault), so the database cannot look inside them:
`matches()` opens them for the cases the searcher may see and names the ones that hold each
word (about 10,000 cases take some tens of milliseconds)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, false, not_, or_, select
from sqlalchemy.orm import Session, selectinload

from disclosure import clock, csvsafe
from disclosure.audit import service as audit
from disclosure.cases.guidance import kind_label
from disclosure.cases.models import Case, CaseSubject, CounselAdvice, ExigentWaiver
from disclosure.cases.service import DECISION_LABELS, STATUS_LABELS
from disclosure.cases.visibility import case_filter
from disclosure.dates import local_date, local_datetime

# Longer text names nothing a case holds; more words than this are a paste, not a search.
SEARCH_MAX = 200
MOST_WORDS = 8
# "2026-0042" or "2026-R4821": a case's reference (cases.models.format_reference).
REFERENCE = re.compile(r"^(\d{4})-([A-Za-z]?)(\d{1,6})$")
# The columns a typed word is looked for in, besides the reference and what the request names.
SEARCHED_COLUMNS = (
    Case.docket_number,
    Case.officer_agency,
    Case.officer_name,
    Case.officer_badge,
)
SOON_DAYS = 7
DEADLINE_STATES = {
    "overdue": "Overdue",
    "soon": f"Due within {SOON_DAYS} days",
    "pending": "Any deadline still to meet",
    "none": "No deadline to meet",
}
# Columns the archive may be ordered by: name -> the columns, in order.
SORTS = {
    "reference": (Case.year, Case.series, Case.number),
    "kind": (Case.kind, Case.id),
    "agency": (Case.officer_agency, Case.id),
    "status": (Case.status, Case.id),
    "received": (Case.received_at, Case.id),
    "closed": (Case.closed_at, Case.id),
}


def words_of(text: str | None) -> list[str]:
    """The words of a search, at most MOST_WORDS of them."""
    return (text or "").split()[:MOST_WORDS]


def matches(session: Session, visible: ColumnElement[bool], text: str) -> ColumnElement[bool]:
    """A WHERE clause on Case: the case's reference is `text`, or every word of `text` is in its
    docket, agency, officer's name or badge, the request's words, or a card number or computer
    the request names (in any letter case). `visible` is the searcher's case_filter: only
    those cases' sealed words are opened."""
    words = words_of(text)
    if not words:
        return false()
    sought = _sealed_words_in(session, visible, words)
    return or_(
        _reference_is(text.strip()), and_(*(_word_in_case(word, sought[word]) for word in words))
    )


def _reference_is(text: str) -> ColumnElement[bool]:
    found = REFERENCE.match(text)
    if found is None:
        return false()
    year, series, number = found.groups()
    return and_(Case.year == int(year), Case.series == series.upper(), Case.number == int(number))


def _sealed_words_in(
    session: Session, visible: ColumnElement[bool], words: list[str]
) -> dict[str, set[int]]:
    """For each word, the ids of the `visible` cases whose request's words (sealed) hold it."""
    found: dict[str, set[int]] = {word: set() for word in words}
    lowered = [(word, word.casefold()) for word in words]
    rows = session.execute(select(Case.id, Case.records_sought).where(visible))
    for case_id, sought in rows:
        text = (sought or "").casefold()
        for word, folded in lowered:
            if folded in text:
                found[word].add(case_id)
    return found


def _word_in_case(word: str, sought_in: set[int]) -> ColumnElement[bool]:
    named = exists().where(
        CaseSubject.case_id == Case.id, CaseSubject.value.icontains(word, autoescape=True)
    )
    in_request = Case.id.in_(sought_in) if sought_in else false()
    return or_(
        *(column.icontains(word, autoescape=True) for column in SEARCHED_COLUMNS), named, in_request
    )


def search(session: Session, user, text: str) -> Select:
    """SELECT of the cases `user` may see that match `text`, the newest first."""
    visible = case_filter(user, session=session)  # the searcher's roles, worked out once
    return (
        select(Case)
        .where(visible, matches(session, visible, text))
        .options(selectinload(Case.counsel))
        .order_by(Case.received_at.desc(), Case.id.desc())
    )


# ---- the archive: every case, filtered and ordered ------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the archive shows: blank means any. `counsel` is a counsel's id or 'none'."""

    status: str = ""
    kind: str = ""
    year: int | None = None
    decision: str = ""
    counsel: str = ""
    deadline: str = ""
    sort: str = "received"
    descending: bool = True


def _deadlines() -> list[tuple[ColumnElement[bool], Callable[[date], ColumnElement[bool]]]]:
    """(not yet met, due before a given day) of each deadline of a case, as
    cases.deadlines.of_case counts them (docs/rules.md R-case-deadlines)."""
    advised = or_(
        exists().where(CounselAdvice.case_id == Case.id),
        exists().where(ExigentWaiver.case_id == Case.id),
    )
    return [
        (
            and_(Case.return_date.is_not(None), Case.decided_at.is_(None)),
            lambda day: Case.return_date < day,
        ),
        (
            and_(Case.counsel_due_on.is_not(None), not_(advised)),
            lambda day: Case.counsel_due_on < day,
        ),
        (
            and_(Case.paperwork_due_at.is_not(None), Case.paperwork_received_at.is_(None)),
            # the paper's due time counts by its local day, as the case page shows it
            lambda day: Case.paperwork_due_at < clock.start_of_local_day(day),
        ),
    ]


def deadline_state(state: str) -> ColumnElement[bool]:
    """A WHERE clause on Case for a state of DEADLINE_STATES (only an open case has deadlines
    still to meet)."""
    today = clock.today()
    after_soon = today + timedelta(days=SOON_DAYS + 1)
    deadlines = _deadlines()
    is_open = Case.closed_at.is_(None)
    any_unmet = or_(*(unmet for unmet, _before in deadlines))
    if state == "overdue":
        return and_(is_open, or_(*(and_(unmet, before(today)) for unmet, before in deadlines)))
    if state == "soon":
        return and_(
            is_open,
            or_(
                *(
                    and_(unmet, not_(before(today)), before(after_soon))
                    for unmet, before in deadlines
                )
            ),
        )
    if state == "pending":
        return and_(is_open, any_unmet)
    if state == "none":
        return or_(not_(is_open), not_(any_unmet))
    return false()


def archive(session: Session, user, filters: Filters) -> Select:
    """SELECT of the cases `user` may see that pass `filters`, in the order they ask."""
    query = select(Case).where(case_filter(user, session=session))
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.kind:
        query = query.where(Case.kind == filters.kind)
    if filters.year:
        query = query.where(Case.year == filters.year)
    if filters.decision:
        query = query.where(Case.decision == filters.decision)
    if filters.counsel == "none":
        query = query.where(Case.counsel_id.is_(None))
    elif filters.counsel.isdigit():
        query = query.where(Case.counsel_id == int(filters.counsel))
    if filters.deadline:
        query = query.where(deadline_state(filters.deadline))
    columns = SORTS.get(filters.sort, SORTS["received"])
    order = [c.desc() if filters.descending else c.asc() for c in columns]
    if filters.sort == "closed":  # open cases (no closing time) last either way
        order = [Case.closed_at.is_(None), *order]
    return query.options(
        selectinload(Case.counsel), selectinload(Case.advice), selectinload(Case.waiver)
    ).order_by(*order)


def years(session: Session, user) -> list[int]:
    """The years that have a case `user` may see, the newest first."""
    query = select(Case.year).where(case_filter(user, session=session)).distinct()
    return sorted(session.scalars(query), reverse=True)


CSV_HEADER = (
    "Reference",
    "Kind",
    "Gag order",
    "Agency",
    "Officer",
    "Badge",
    "Docket",
    "Status",
    "Decision",
    "Counsel",
    "Received",
    "Return date",
    "Closed",
)


def archive_csv(session: Session, user, filters: Filters) -> str:
    """The cases of the archive as CSV (every page), and an audit event of the export that
    names its size only (docs/rules.md R-no-personal-data-out)."""
    # Drawn inside the request: cases are logged one at a time at the desk, hundreds a year in a
    # busy library, and 3,000 took 0.2 s of CPU (README, "Documents": what is drawn inside the
    # web request). The audit trail, which grows with every page view, is long work instead.
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    count = 0
    for case in session.scalars(archive(session, user, filters)):
        count += 1
        writer.writerow(_csv_row(case))
    audit.record(session, user, "cases.exported", "case", detail=f"{count} case(s)")
    return out.getvalue()


def _csv_row(case: Case) -> list:
    return [
        case.reference,
        kind_label(case.kind),
        "yes" if case.gagged else "",
        case.officer_agency,
        case.officer_name,
        case.officer_badge or "",
        case.docket_number or "",
        STATUS_LABELS.get(case.status, case.status),
        DECISION_LABELS.get(case.decision, "") if case.decision else "",
        case.counsel.full_name if case.counsel else "",
        local_datetime(case.received_at),
        local_date(case.return_date) if case.return_date else "",
        local_datetime(case.closed_at) if case.closed_at else "",
    ]
