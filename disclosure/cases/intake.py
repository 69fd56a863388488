"""Desk intake and routing (docs/rules.md R-route-to-director: with the Director at once).

The clerk logs what the officer presented; the request becomes a case numbered per year and is
routed to everyone who holds the Director's powers now. After that the clerk sees only a receipt,
which is a narrow query of its own: it is not a view of the case."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth import service as auth
from disclosure.auth.models import User
from disclosure.cases import gag, uploads
from disclosure.cases.guidance import kind_label
from disclosure.cases.models import (
    GAGGED_KINDS,
    RESTRICTED_SERIES,
    URGENT_KINDS,
    Case,
    CaseKind,
    CaseStatus,
    CaseSubject,
    DocumentKind,
    SubjectKind,
    WarrantExecution,
    format_reference,
)
from disclosure.db import begin_with_write_lock, is_sqlite
from disclosure.errors import DomainError
from disclosure.notify import service as notify
from disclosure.records.models import Workstation

NUMBER_ATTEMPTS = 8
# Numbers are drawn from 1 to 9999 (four digits, as `2026-4821`).
NUMBERS_PER_YEAR = 9999


@dataclass
class WarrantFacts:
    """What the clerk saw when a search warrant was executed."""

    executed_at: datetime
    areas_searched: str = ""
    equipment_searched: str = ""
    items_seized: str = ""
    seized_workstation_ids: list[int] = field(default_factory=list)


@dataclass
class Intake:
    """Everything the desk records about a request."""

    kind: str
    officer_name: str
    officer_agency: str
    records_sought: str
    received_at: datetime | None = None
    officer_badge: str | None = None
    officer_jurisdiction: str | None = None
    officer_contact: str | None = None
    patron_cards: list[str] = field(default_factory=list)
    workstation_codes: list[str] = field(default_factory=list)
    window_starts_at: datetime | None = None
    window_ends_at: datetime | None = None
    court: str | None = None
    docket_number: str | None = None
    issued_on: date | None = None
    return_date: date | None = None
    scans: list[uploads.Scan] = field(default_factory=list)
    warrant: WarrantFacts | None = None


def take_write_lock(session: Session) -> None:
    """Start the transaction with the write lock on SQLite, so that two clerks logging at once
    cannot both read the same 'next number' (PostgreSQL relies on the unique constraint and the
    retry in `_number`). Call before anything is written in this transaction."""
    if is_sqlite(session) and not session.new and not session.dirty:
        session.rollback()
        begin_with_write_lock(session)


def log_request(session: Session, clerk: User, data: Intake) -> Case:
    """Log a request at the desk and route it to the Director at once; returns the new case."""
    kind = _check(data)
    now = clock.now()
    case = Case(
        kind=kind.value,
        status=CaseStatus.WITH_DIRECTOR.value,
        received_at=data.received_at or now,
        received_by_id=clerk.id,
        routed_at=now,
        officer_name=data.officer_name.strip(),
        officer_badge=_blank(data.officer_badge),
        officer_agency=data.officer_agency.strip(),
        officer_jurisdiction=_blank(data.officer_jurisdiction),
        officer_contact=_blank(data.officer_contact),
        records_sought=data.records_sought.strip(),
        court=_blank(data.court),
        docket_number=_blank(data.docket_number),
        issued_on=data.issued_on,
        return_date=data.return_date,
        court_order_received=kind == CaseKind.COURT_ORDER,
        gagged=kind
        in GAGGED_KINDS,  # FISA / s.215 orders and NSLs carry a gag order from the start
    )
    for scan in data.scans:
        uploads.check(scan)  # refuse a bad file before anything is numbered or written
    _number(session, case)
    audit.record(
        session,
        clerk,
        "case.logged",
        "case",
        case.id,
        case_id=case.id,
        detail=f"kind={kind.value} scans={len(data.scans)}",
    )
    _subjects(session, case, data)
    for scan in data.scans:
        uploads.store(session, clerk, case, scan, DocumentKind.LEGAL_PROCESS)
    if kind == CaseKind.SEARCH_WARRANT:
        _record_warrant(session, clerk, case, data.warrant)
    route(session, clerk, case)
    return case


def _check(data: Intake) -> CaseKind:
    problems_found = problems(data)
    if problems_found:
        raise problems_found[0]
    return CaseKind(data.kind)


def problems(data: Intake) -> list[DomainError]:
    """Every reason the desk's form cannot be logged as typed, in the form's order, so the clerk
    sees them all in one round (the page checks them with the form's own, before sending)."""
    try:
        kind = CaseKind(data.kind)
    except ValueError:
        return [DomainError("Choose what the officer presented.", field="kind")]
    found = [
        DomainError(message, field=name)
        for name, message in (
            ("officer_name", "Enter the officer's name."),
            ("officer_agency", "Enter the officer's agency."),
            ("records_sought", "Say what the officer asked for, in their words."),
        )
        if not (getattr(data, name) or "").strip()
    ]
    if kind == CaseKind.SEARCH_WARRANT:
        found += _warrant_problems(data.warrant)
    now = clock.now()
    if data.received_at and data.received_at > now:
        found.append(DomainError("The time received cannot be in the future.", field="received_at"))
    if (
        data.window_starts_at
        and data.window_ends_at
        and data.window_ends_at <= data.window_starts_at
    ):
        found.append(
            DomainError("The time window must end after it starts.", field="window_ends_at")
        )
    if data.issued_on and data.issued_on > clock.today():
        found.append(DomainError("The date issued cannot be in the future.", field="issued_on"))
    if data.issued_on and data.return_date and data.return_date < data.issued_on:
        found.append(
            DomainError("The return date cannot be before the date issued.", field="return_date")
        )
    return found


def _warrant_problems(warrant: WarrantFacts | None) -> list[DomainError]:
    if warrant is None or warrant.executed_at is None:
        return [DomainError("Enter when the warrant was executed.", field="executed_at")]
    if warrant.executed_at > clock.now():
        return [DomainError("The time of execution cannot be in the future.", field="executed_at")]
    return []


def _blank(value: str | None) -> str | None:
    return (value or "").strip() or None


def draw_number() -> int:
    """A case number drawn at random, 1 to NUMBERS_PER_YEAR (looked up at each draw: the twin
    test gives both its libraries the same draws)."""
    return secrets.randbelow(NUMBERS_PER_YEAR) + 1


def _number(session: Session, case: Case) -> None:
    """Give the case a random unused number of the year, inside the caller's transaction
    (docs/rules.md R-gag-numbers-count-nothing). Two clerks drawing the same number at once: the
    unique (year, series, number) constraint refuses the second insert, which draws again.

    Every case is numbered at random, not in sequence: a case gagged after it was logged keeps
    its number, and numbers in sequence, set against the annual report's exact counts (or two
    receipts one number apart), would count the gagged matters between them. A case gagged from
    intake (FISA order, NSL) draws in the restricted series, so its number never meets an
    ordinary one."""
    year = clock.local(case.routed_at).year
    case.series = RESTRICTED_SERIES if case.gagged else ""
    for _attempt in range(NUMBER_ATTEMPTS):
        case.year, case.number = year, draw_number()
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
            return
        except IntegrityError:
            # The number is taken (or another clerk took it first): the savepoint is gone.
            if case in session:
                session.expunge(case)
    raise DomainError("Many requests are being logged at this moment. Send the form again.")


def _subjects(session: Session, case: Case, data: Intake) -> None:
    for card in dict.fromkeys(c.strip() for c in data.patron_cards if c.strip()):
        session.add(CaseSubject(case_id=case.id, kind=SubjectKind.PATRON.value, value=card[:120]))
    for code in dict.fromkeys(c.strip() for c in data.workstation_codes if c.strip()):
        session.add(
            CaseSubject(case_id=case.id, kind=SubjectKind.WORKSTATION.value, value=code[:120])
        )
    if data.window_starts_at or data.window_ends_at:
        session.add(
            CaseSubject(
                case_id=case.id,
                kind=SubjectKind.TIME_WINDOW.value,
                starts_at=data.window_starts_at,
                ends_at=data.window_ends_at,
            )
        )


def _record_warrant(session: Session, clerk: User, case: Case, facts: WarrantFacts) -> None:
    """Record the execution and take every seized public computer out of service."""
    ids = sorted(set(facts.seized_workstation_ids))
    seized = (
        list(session.scalars(select(Workstation).where(Workstation.id.in_(ids)))) if ids else []
    )
    if len(seized) != len(ids):
        raise DomainError(
            "One of the computers chosen is not in the records.", field="seized_workstations"
        )
    # docs/rules.md R-seized-computer-out-of-service: a computer already gone cannot be seized now
    gone = [w.code for w in seized if w.out_of_service]
    if gone:
        raise DomainError(
            f"Already out of service, so it cannot have been seized now: {', '.join(gone)}.",
            field="seized_workstations",
        )
    for workstation in seized:
        workstation.out_of_service = True
        # No case reference here: the workstation list is seen outside the case's circle.
        workstation.out_of_service_reason = "Seized under a search warrant"
    session.add(
        WarrantExecution(
            case_id=case.id,
            executed_at=facts.executed_at,
            areas_searched=facts.areas_searched.strip(),
            equipment_searched=facts.equipment_searched.strip(),
            items_seized=facts.items_seized.strip(),
            seized_workstation_ids=ids,
            recorded_at=clock.now(),
            recorded_by_id=clerk.id,
        )
    )
    audit.record(
        session,
        clerk,
        "case.warrant_recorded",
        "case",
        case.id,
        case_id=case.id,
        detail=f"workstations_seized={len(ids)}",
    )


def workstations_in_service(session: Session) -> list[Workstation]:
    """The public computers a warrant's officers could seize now (one seized already is gone)."""
    return _workstations(session, out_of_service=False)


def workstations_out_of_service(session: Session) -> list[Workstation]:
    """The public computers out of service (seized under a warrant, or taken out otherwise)."""
    return _workstations(session, out_of_service=True)


def _workstations(session: Session, *, out_of_service: bool) -> list[Workstation]:
    """The public computers in service, or out of it, in the order of their codes."""
    return list(
        session.scalars(
            select(Workstation)
            .where(Workstation.out_of_service.is_(out_of_service))
            .order_by(Workstation.code)
        )
    )


def route(session: Session, clerk: User, case: Case) -> None:
    """Tell everyone with the Director's powers now (the Director and any acting Director); for a
    gagged case, in words that say nothing, and tell the clerk's supervisor only that it was
    routed."""
    urgent = CaseKind(case.kind) in URGENT_KINDS
    subject = (
        f"{'URGENT: ' if urgent else ''}{kind_label(case.kind)} {case.reference} logged at the desk"
    )
    body = "A request for library records was logged at the desk and needs your answer."
    directors = auth.directors_now(session)
    for director in directors:
        # gag.notify_about_case blanks all of this for a gagged case
        gag.notify_about_case(
            session, director, case, subject, body, link=f"/cases/{case.public_id}", urgent=urgent
        )
    supervisor = clerk.supervisor
    if (
        case.gagged
        and supervisor is not None
        and supervisor.is_enabled
        and supervisor not in directors
    ):
        # The supervisor is told this and nothing more (R-gag-desk-and-supervisor): no link, no case
        # id, so the notice is not "about" a case they could ask for.
        notify.notify(
            session,
            supervisor,
            "A restricted matter logged by staff you supervise was routed to the Director.",
        )
    audit.record(
        session,
        clerk,
        "case.routed",
        "case",
        case.id,
        case_id=case.id,
        detail=f"directors={len(directors)} urgent={urgent}",
    )


# ---- the clerk's receipt: a narrow query, not a view of the case --------------------------


@dataclass(frozen=True)
class Receipt:
    """What the person who logged a request may see after routing."""

    case_id: int
    public_id: str  # what its address says (the link needs no lookup of its own)
    reference: str
    kind: str
    routed_at: datetime
    restricted: bool
    received_at: datetime | None = None  # the rest is left out for a gagged case
    officer_name: str | None = None
    officer_agency: str | None = None


_RECEIPT_COLUMNS = (
    Case.id,
    Case.public_id,
    Case.year,
    Case.series,
    Case.number,
    Case.kind,
    Case.routed_at,
    Case.gagged,
    Case.received_at,
    Case.officer_name,
    Case.officer_agency,
)


def _receipt(row) -> Receipt:
    reference = format_reference(row.year, row.series, row.number)
    if row.gagged:
        return Receipt(row.id, row.public_id, reference, row.kind, row.routed_at, True)
    return Receipt(
        row.id,
        row.public_id,
        reference,
        row.kind,
        row.routed_at,
        False,
        row.received_at,
        row.officer_name,
        row.officer_agency,
    )


def receipt_for(session: Session, user: User, case_id: int) -> Receipt | None:
    """The receipt of a request `user` logged, or None (the view answers 404)."""
    row = session.execute(
        select(*_RECEIPT_COLUMNS).where(Case.id == case_id, Case.received_by_id == user.id)
    ).first()
    return _receipt(row) if row else None


def recent_receipts(session: Session, user: User, limit: int = 8) -> list[Receipt]:
    """The newest receipts of requests `user` logged."""
    rows = session.execute(
        select(*_RECEIPT_COLUMNS)
        .where(Case.received_by_id == user.id)
        .order_by(Case.routed_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return [_receipt(row) for row in rows]
