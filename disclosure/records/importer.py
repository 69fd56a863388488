"""CSV import of library records, all or nothing.

Every row is read and checked before anything is written; the first bad row stops the import
with its line and column named, and the caller rolls back, so the database is unchanged."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.errors import DomainError
from disclosure.records import models as m


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, how to read it, whether it may be empty, and where it goes."""

    name: str
    kind: str  # text, int, date, datetime, decimal, bool, or ref:<lookup>
    required: bool = True
    target: str | None = None  # model attribute, when it differs from the header
    help: str = ""


@dataclass(frozen=True)
class Kind:
    """An importable kind of record."""

    model: type
    columns: tuple[Column, ...]
    description: str


KINDS: dict[str, Kind] = {
    "branches": Kind(
        m.Branch, (Column("code", "text"), Column("name", "text")), "library buildings"
    ),
    "workstations": Kind(
        m.Workstation,
        (Column("code", "text"), Column("branch_code", "ref:branch", target="branch_id")),
        "public computers",
    ),
    "patrons": Kind(
        m.Patron,
        (
            Column("card_number", "text"),
            Column("name", "text"),
            Column("address", "text"),
            Column("phone", "text", required=False),
            Column("email", "text", required=False),
            Column("birth_year", "int", required=False),
            Column("card_expires_on", "date"),
            Column("amount_owed", "decimal", required=False),
            Column(
                "guardian_card_number",
                "ref:patron",
                required=False,
                target="guardian_id",
                help="the guardian's card number, for a minor; the guardian must come earlier in "
                "the file or be imported already",
            ),
            Column("home_branch_code", "ref:branch", required=False, target="home_branch_id"),
        ),
        "registered borrowers",
    ),
    "loans": Kind(
        m.Loan,
        (
            Column("card_number", "ref:patron", target="patron_id"),
            Column("branch_code", "ref:branch", target="branch_id"),
            Column("item_barcode", "text"),
            Column("item_title", "text"),
            Column("checked_out_at", "datetime"),
            Column("due_at", "datetime"),
            Column("returned_at", "datetime", required=False),
            Column("fine_settled", "bool", required=False),
        ),
        "checkouts and circulation history",
    ),
    "computer_sessions": Kind(
        m.ComputerSession,
        (
            Column("workstation_code", "ref:workstation", target="workstation_id"),
            Column("card_number", "ref:patron", required=False, target="patron_id"),
            Column(
                "signup_name",
                "text",
                required=False,
                help="a walk-in's name at sign-up, when no card was used",
            ),
            Column("started_at", "datetime"),
            Column("ended_at", "datetime", required=False),
        ),
        "computer sign-ups and sessions",
    ),
    "interlibrary_loans": Kind(
        m.InterlibraryLoan,
        (
            Column("reference", "text"),
            Column("card_number", "ref:patron", required=False, target="patron_id"),
            Column("title", "text", required=False),
            Column("lending_library", "text", required=False),
            Column("status", "choice:" + "|".join(m.ILL_OPEN_STATUSES + m.ILL_COMPLETED_STATUSES)),
            Column("department", "text"),
            Column("requested_at", "datetime"),
            Column("completed_at", "datetime", required=False),
        ),
        "interlibrary-loan requests",
    ),
    "ill_emails": Kind(
        m.IllEmail,
        (
            Column("ill_reference", "ref:ill", target="ill_id"),
            Column("sent_at", "datetime"),
            Column("to_address", "text"),
            Column("subject", "text"),
            Column("body", "text", required=False),
        ),
        "e-mail messages about interlibrary loans",
    ),
    "programs": Kind(
        m.Program,
        (
            Column("code", "text"),
            Column("branch_code", "ref:branch", target="branch_id"),
            Column("title", "text"),
            Column("starts_on", "date"),
            Column("ends_on", "date"),
        ),
        "library programs and events",
    ),
    "program_registrations": Kind(
        m.ProgramRegistration,
        (
            Column("program_code", "ref:program", target="program_id"),
            Column("card_number", "ref:patron", target="patron_id"),
            Column("registered_at", "datetime"),
        ),
        "registrations for programs",
    ),
    "mailing_list_subscriptions": Kind(
        m.MailingListSubscription,
        (
            Column("list_name", "ref:mailing_list", target="list_id", help="created when new"),
            Column("card_number", "ref:patron", required=False, target="patron_id"),
            Column("email", "text"),
            Column("subscribed_at", "datetime"),
            Column("last_activity_at", "datetime"),
        ),
        "mailing-list subscriptions",
    ),
}

LOOKUPS = {
    "branch": (m.Branch, m.Branch.code),
    "workstation": (m.Workstation, m.Workstation.code),
    "patron": (m.Patron, m.Patron.card_number),
    "ill": (m.InterlibraryLoan, m.InterlibraryLoan.reference),
    "program": (m.Program, m.Program.code),
    "mailing_list": (m.MailingList, m.MailingList.name),
}

BATCH = 2000


def read_csv(kind: str, path: Path) -> list[tuple[int, dict[str, str]]]:
    """The data rows of `path` with their line numbers; the header must name every column."""
    spec = KINDS[kind]
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c.name for c in spec.columns if c.required and c.name not in header]
            if missing:
                raise DomainError(f"line 1: the header lacks the column(s) {', '.join(missing)}.")
            unknown = [h for h in header if h not in {c.name for c in spec.columns}]
            if unknown:
                raise DomainError(f"line 1: unknown column(s) {', '.join(unknown)}.")
            return [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as err:
        raise DomainError("the file is not UTF-8 text.") from err
    except csv.Error as err:
        raise DomainError(f"the file is not valid CSV ({err}).") from err


def import_rows(
    session: Session, kind: str, rows, progress: Callable[[int], None] = lambda n: None
) -> int:
    """Check and insert `rows` of `kind`; raises DomainError naming line and column on the first bad
    one.

    Rows are inserted in batches (bulk INSERT, not one ORM object per row) inside the caller's
    transaction; a later bad row raises, and the caller's rollback undoes the earlier batches."""
    spec = KINDS[kind]
    resolver = _Resolver(session)
    batch: list[dict] = []
    for line, row in rows:
        values = {}
        for column in spec.columns:
            values[column.target or column.name] = _convert(
                resolver, column, (row.get(column.name) or "").strip(), line
            )
        _check_row(kind, values, line)
        batch.append(values)
        if kind == "patrons":
            # a guardian earlier in the same file must be found by the minors after it
            _flush(session, spec.model, batch)
            resolver.forget("patron")
            batch = []
        elif len(batch) >= BATCH:
            _flush(session, spec.model, batch)
            batch = []
        progress(1)
    _flush(session, spec.model, batch)
    return len(rows)


def _flush(session: Session, model, batch: list[dict]) -> None:
    if batch:
        session.execute(insert(model), batch)


def _check_row(kind: str, values: dict, line: int) -> None:
    if (
        kind == "computer_sessions"
        and not values.get("patron_id")
        and not values.get("signup_name")
    ):
        raise DomainError(f"line {line}, column card_number: give a card number or a signup_name.")
    ends = {
        "loans": ("checked_out_at", "returned_at"),
        "computer_sessions": ("started_at", "ended_at"),
        "programs": ("starts_on", "ends_on"),
        "interlibrary_loans": ("requested_at", "completed_at"),
    }
    if kind in ends:
        start, end = ends[kind]
        if values.get(end) is not None and values[end] < values[start]:
            raise DomainError(f"line {line}, column {end}: it is earlier than {start}.")


class _Resolver:
    """Looks up references (card number -> patron id, ...) with a cache per kind."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, dict[str, int]] = {}

    def forget(self, name: str) -> None:
        self.cache.pop(name, None)

    def find(self, name: str, key: str) -> int | None:
        if name not in self.cache:
            model, column = LOOKUPS[name]
            self.cache[name] = dict(self.session.execute(select(column, model.id)).all())
        found = self.cache[name].get(key)
        if found is None and name == "mailing_list":
            list_id = self.session.execute(
                insert(m.MailingList).values(name=key).returning(m.MailingList.id)
            ).scalar_one()
            self.cache[name][key] = list_id
            return list_id
        return found


def _convert(resolver: _Resolver, column: Column, raw: str, line: int):
    where = f"line {line}, column {column.name}"
    if raw == "":
        if column.required:
            raise DomainError(f"{where}: a value is required.")
        return (
            Decimal("0.00")
            if column.kind == "decimal"
            else (True if column.kind == "bool" else None)
        )
    try:
        return _parse(resolver, column, raw)
    except (ValueError, InvalidOperation, LookupError) as err:
        raise DomainError(f"{where}: {err}") from None


def _parse(resolver: _Resolver, column: Column, raw: str):
    kind = column.kind
    if kind == "text":
        return raw
    if kind == "int":
        if not raw.isdigit():
            raise ValueError(f"“{raw}” is not a whole number.")
        return int(raw)
    if kind == "decimal":
        value = Decimal(raw)
        if value < 0:
            raise ValueError("must not be negative.")
        return value
    if kind == "bool":
        if raw.lower() not in {"true", "false", "yes", "no", "1", "0"}:
            raise ValueError(f"“{raw}” is not yes or no.")
        return raw.lower() in {"true", "yes", "1"}
    if kind == "date":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"“{raw}” is not a date like 2026-03-31.") from None
    if kind == "datetime":
        return _parse_datetime(raw)
    if kind.startswith("choice:"):
        choices = kind.split(":", 1)[1].split("|")
        if raw.lower() not in choices:
            raise ValueError(f"“{raw}” is not one of {', '.join(choices)}.")
        return raw.lower()
    lookup = kind.split(":", 1)[1]
    found = resolver.find(lookup, raw)
    if found is None:
        raise LookupError(f"no {lookup.replace('_', ' ')} “{raw}” is known.")
    return found


def _parse_datetime(raw: str) -> datetime:
    """ISO 8601; a time with no offset is the library's local time."""
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"“{raw}” is not a date and time like 2026-03-31T14:05.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.library_zone())
    return value.astimezone(clock.UTC)
