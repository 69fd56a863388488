"""CSV import of library records, all or nothing.

Every row is read and checked before anything is written; the first bad row stops the import
with its line and column named, and the caller rolls back, so the database is unchanged."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.errors import DomainError
from disclosure.records import kinds
from disclosure.records import models as m

Column = kinds.ImportColumn


@dataclass(frozen=True)
class Kind:
    """An importable kind of record."""

    table: Table
    columns: tuple[Column, ...]
    description: str


# What the library's records refer to, imported first: not kinds of library record (nothing of
# a patron's is in them), so not in records/kinds.py.
REFERENCES: dict[str, Kind] = {
    "branches": Kind(
        m.Branch.__table__, (Column("code", "text"), Column("name", "text")), "library buildings"
    ),
    "workstations": Kind(
        m.Workstation.__table__,
        (Column("code", "text"), Column("branch_code", "ref:branch", target="branch_id")),
        "public computers",
    ),
    "programs": Kind(
        m.Program.__table__,
        (
            Column("code", "text"),
            Column("branch_code", "ref:branch", target="branch_id"),
            Column("title", "text"),
            Column("starts_on", "date"),
            Column("ends_on", "date"),
        ),
        "library programs and events",
    ),
}
# A program's span, checked as a kind of record's is (records/kinds.py: starts and ends).
REFERENCE_SPANS = {"programs": ("starts_on", "ends_on")}


class _Importable(Mapping):
    """Every importable kind, name -> Kind: the references, then the kinds of record in
    records/kinds.py (with their CSV columns), always as registered."""

    def __getitem__(self, name: str) -> Kind:
        if name in REFERENCES:
            return REFERENCES[name]
        kind = kinds.get(name)
        if not kind.import_columns:
            raise KeyError(name)
        return Kind(kind.table, kind.import_columns, kind.import_label)

    def __iter__(self):
        importable = [k.key for k in kinds.every() if k.import_columns]
        return iter([*REFERENCES, *importable])

    def __len__(self) -> int:
        return sum(1 for _ in self)


KINDS = _Importable()

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
        if kind == kinds.PATRONS.key:
            # a guardian earlier in the same file must be found by the minors after it
            _flush(session, spec.table, batch)
            resolver.forget("patron")
            batch = []
        elif len(batch) >= BATCH:
            _flush(session, spec.table, batch)
            batch = []
        progress(1)
    _flush(session, spec.table, batch)
    return len(rows)


def _flush(session: Session, table, batch: list[dict]) -> None:
    if batch:
        session.execute(insert(table), batch)


def _check_row(kind: str, values: dict, line: int) -> None:
    if (
        kind == kinds.COMPUTER_SESSIONS.key
        and not values.get("patron_id")
        and not values.get("signup_name")
    ):
        raise DomainError(f"line {line}, column card_number: give a card number or a signup_name.")
    span = REFERENCE_SPANS.get(kind) or _span(kind)
    if span:
        start, end = span
        if values.get(end) is not None and values[end] < values[start]:
            raise DomainError(f"line {line}, column {end}: it is earlier than {start}.")


def _span(kind: str) -> tuple[str, str] | None:
    """A kind of record's start and end columns, when it has an end."""
    found = kinds.named(kind)
    return (found.starts, found.ends) if found and found.ends else None


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
        zone = clock.library_zone()
        value = value.replace(tzinfo=zone)
        if value.astimezone(clock.UTC).astimezone(zone).replace(tzinfo=None) != value.replace(
            tzinfo=None
        ):
            # In the hour the clocks go forward no wall-clock time exists: say so, rather than
            # let it turn into another time (docs/rules.md R-import-local-times).
            raise ValueError(
                f"{value:%H:%M} on {value:%-d %b %Y} does not exist at the library ({zone.key}): "
                "the clocks go forward that night. Check the time, or give it with its UTC offset."
            )
    return value.astimezone(clock.UTC)
