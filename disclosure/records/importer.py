"""CSV import of library records, all or nothing: a sync with the library's own system (ILS).

Each row is upserted by its kind's natural key (records/kinds.py: a patron by card number, a
loan by card, item barcode and checked-out time, ...): a record already here is updated with
what changed, a new one is added, so importing the same file twice changes nothing and a file
may be a full export or only the changes since the last one. A record missing from a later
export is not deleted: this copy is the one the holds preserve, and the retention schedule
(retention/purge.py) decides when it goes.

The first bad row stops the import with its line and column named (in the file's own words when
a preset maps another system's columns, records/presets.py), and the caller rolls back, so the
database is unchanged."""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.areas import Hook
from disclosure.errors import DomainError
from disclosure.records import kinds, presets, returns
from disclosure.records import models as m

Column = kinds.ImportColumn

# Before an import changes some records of a kind, the holds area copies the ones an active hold
# covers into its preservation store (docs/rules.md R-import-keeps-held, holds/area.py):
# keep_prior_versions(session, kind, ids). No default: an import must never overwrite a held
# record's only version because nobody answered.
keep_prior_versions = Hook("records.keep_prior_versions")
# After an import, the holds area counts again what each hold the imported records fall in
# covers, so that a hold's stored counts follow the library's system without counting every
# hold each night: recount_imported(session, kind, first_new, changed, earlier), where the
# records the import added have an id from `first_new` on, `changed` are the ids it updated and
# `earlier` the holds keep_prior_versions tied their prior versions to (the holds that covered
# them before). No default: a hold's counts must never go stale in silence.
recount_imported = Hook("records.recount_imported")


@dataclass(frozen=True)
class Kind:
    """An importable kind of record."""

    table: Table
    columns: tuple[Column, ...]
    description: str
    natural_key: tuple[str, ...]  # the table columns that identify a record (records/kinds.py)
    leaves_when: str | None = None  # set on a record the import must leave as it is
    closes_loans: bool = False  # a file of returns, matched to open loans (records/returns.py)


# What the library's records refer to, imported first: not kinds of library record (nothing of
# a patron's is in them), so not in records/kinds.py.
REFERENCES: dict[str, Kind] = {
    "branches": Kind(
        m.Branch.__table__,
        (Column("code", "text"), Column("name", "text")),
        "library buildings",
        ("code",),
    ),
    "workstations": Kind(
        m.Workstation.__table__,
        (Column("code", "text"), Column("branch_code", "ref:branch", target="branch_id")),
        "public computers",
        ("code",),
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
        ("code",),
    ),
}
# A program's span, checked as a kind of record's is (records/kinds.py: starts and ends).
REFERENCE_SPANS = {"programs": ("starts_on", "ends_on")}


# Imported after the kinds of record, since they change records already here.
LATER: dict[str, Kind] = {
    "loan_returns": Kind(
        m.Loan.__table__,
        (
            Column("card_number", "ref:patron", target="patron_id"),
            Column("item_barcode", "text"),
            Column("returned_at", "datetime"),
            # an event log's type column: a row of any other event is refused, not taken for a
            # return
            Column("event", "choice:return", required=False),
        ),
        "returns of loans already here, each closing the patron's open loan of that item",
        ("patron_id", "item_barcode"),
        closes_loans=True,
    ),
}


class _Importable(Mapping):
    """Every importable kind, name -> Kind: the references, then the kinds of record in
    records/kinds.py (with their CSV columns), always as registered, then the returns."""

    def __getitem__(self, name: str) -> Kind:
        if name in REFERENCES or name in LATER:
            return REFERENCES.get(name) or LATER[name]
        kind = kinds.get(name)
        if not kind.import_columns:
            raise KeyError(name)
        return Kind(
            kind.table,
            kind.import_columns,
            kind.import_label,
            kind.natural_key,
            kind.import_leaves_when,
        )

    def __iter__(self):
        importable = [k.key for k in kinds.every() if k.import_columns]
        return iter([*REFERENCES, *importable, *LATER])

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
GUARDIAN = "guardian_card_number"  # the patrons' column naming a minor's guardian


@dataclass
class Sheet:
    """A file's rows, read and in our columns as the import goes (one batch in memory at a time,
    however long the file), ready to import."""

    kind: str
    rows: Iterable[tuple[int, dict[str, str]]]  # (line number, our column -> text)
    names: dict[str, str]  # our column -> the file's own name for it (in error messages)
    size: int = 0  # about how many rows (its lines less the header), for a progress bar


@dataclass
class _Touched:
    """What an import changed, for the holds' counts: the ids it updated, and the holds that
    covered their prior versions."""

    changed: list[int] = field(default_factory=list)
    holds: set[int] = field(default_factory=set)


@dataclass
class Tally:
    """What an import did: records added, updated with what changed, and left as they were."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Every row imported."""
        return self.added + self.updated + self.unchanged

    def __str__(self) -> str:
        return f"{self.added} new, {self.updated} updated, {self.unchanged} unchanged"


def read_csv(kind: str, path: Path, preset: presets.Preset | None = None) -> Sheet:
    """The data rows of `path` with their line numbers, read as they are imported; the header
    must name every column (their columns, when a preset maps another system's export)."""
    spec = KINDS[kind]
    with _reading(path):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = [h.strip() for h in next(csv.reader(handle), [])]
        if preset is None:
            _check_header(spec, header)
        else:
            preset.check_header(kind, header)
            missing = [
                c.name for c in spec.columns if c.required and c.name not in preset.for_kind(kind)
            ]
            if missing:
                raise DomainError(
                    f"the {preset.name} preset gives no column for {', '.join(missing)}."
                )
        with path.open("rb") as lines:
            size = max(0, sum(1 for _ in lines) - 1)
    names = preset.names(kind) if preset else {}
    return Sheet(kind, _rows(kind, path, header, preset), names, size)


def _rows(kind: str, path: Path, header: list[str], preset: presets.Preset | None):
    """The file's data rows, one at a time, in our columns."""
    with _reading(path), path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        reader.fieldnames = header
        next(reader, None)  # the header row
        for row in reader:
            yield reader.line_num, (preset.translate(kind, header, row) if preset else row)


@contextmanager
def _reading(path: Path):
    """A file that is not UTF-8 or not CSV stops the import in words a person can act on."""
    try:
        yield
    except UnicodeDecodeError as err:
        raise DomainError("the file is not UTF-8 text.") from err
    except csv.Error as err:
        raise DomainError(f"the file is not valid CSV ({err}).") from err


def _check_header(spec: Kind, header: list[str]) -> None:
    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    if missing:
        raise DomainError(f"line 1: the header lacks the column(s) {', '.join(missing)}.")
    unknown = [h for h in header if h not in {c.name for c in spec.columns}]
    if unknown:
        raise DomainError(f"line 1: unknown column(s) {', '.join(unknown)}.")


def import_rows(
    session: Session, sheet: Sheet, progress: Callable[[int], None] = lambda n: None
) -> Tally:
    """Check and upsert the rows of `sheet` by their natural key; raises DomainError naming line
    and column on the first bad one.

    Rows are written in batches (bulk INSERT for new records, an UPDATE only for a record whose
    values changed) inside the caller's transaction; a later bad row raises, and the caller's
    rollback undoes the earlier batches."""
    kind, spec = sheet.kind, KINDS[sheet.kind]
    # how to read each column, worked out once: a file holds hundreds of thousands of rows
    fields = _fields(_Resolver(session), spec, sheet.names)
    check = _row_check(kind, sheet.names)
    tally, touched = Tally(), _Touched()
    first_new = (session.scalar(select(func.max(spec.table.c.id))) or 0) + 1
    batch: list[dict] = []
    given: set[str] | None = None
    waiting: set[str] = set()  # the card numbers of the patrons in `batch`
    for line, row in sheet.rows:
        if kind == kinds.PATRONS.key and (row.get(GUARDIAN) or "").strip() in waiting:
            # a guardian earlier in the same file must be found by the minors after it: write
            # the batch that holds them first (the resolver then finds them one by one)
            _upsert(session, spec, batch, given or set(), tally, touched)
            batch, waiting = [], set()
        values = _values(fields, row, line)
        check(values, line)
        if given is None:
            # the columns the file has: a file of changes leaves the others as they are
            given = {c.target or c.name for c in spec.columns if c.name in row}
        batch.append(values)
        if kind == kinds.PATRONS.key:
            waiting.add(values["card_number"])
        if len(batch) >= BATCH:
            _upsert(session, spec, batch, given, tally, touched)
            batch, waiting = [], set()
        progress(1)
    _upsert(session, spec, batch, given or set(), tally, touched)
    _recount_holds(session, spec, first_new, touched)
    return tally


class _Field(NamedTuple):
    """How one column of the file becomes one value of the table."""

    name: str  # our column: the row's key
    target: str  # the table's column
    label: str  # the column as the file names it (in error messages)
    parse: Callable[[str], object]  # raises ValueError, InvalidOperation or LookupError
    required: bool
    empty: object  # the value of an empty cell, when it may be empty
    limit: int | None  # a text column's most characters


def _fields(resolver: _Resolver, spec: Kind, names: Mapping[str, str]) -> list[_Field]:
    """The columns of `spec` with their readers."""
    limits = _text_limits(spec)
    zone = clock.library_zone()
    fields = []
    for column in spec.columns:
        target = column.target or column.name
        empty = {"decimal": Decimal("0.00"), "bool": True}.get(column.kind)
        fields.append(
            _Field(
                column.name,
                target,
                names.get(column.name, column.name),
                _reader(resolver, column.kind, zone),
                column.required,
                empty,
                limits.get(target) if column.kind == "text" else None,
            )
        )
    return fields


def _values(fields: list[_Field], row: Mapping[str, str], line: int) -> dict:
    """One row's values by table column, converted and checked (DomainError on the first bad)."""
    values = {}
    # unpacked, not read by attribute: this runs for every cell of the file
    for column in fields:
        name, target, label, parse, required, empty, _limit = column
        raw = row.get(name)
        raw = raw.strip() if raw else ""
        if not raw:
            if required:
                raise DomainError(f"line {line}, column {label}: a value is required.")
            values[target] = empty
            continue
        try:
            value = parse(raw)
        except (ValueError, InvalidOperation, LookupError) as err:
            raise DomainError(f"line {line}, column {label}: {err}") from None
        if parse is _text:
            _check_text(column, value, line)
        values[target] = value
    return values


def _check_text(field: _Field, value: str, line: int) -> None:
    if CONTROL.search(value):
        # PostgreSQL refuses a NUL outright; no library record holds control characters
        raise DomainError(
            f"line {line}, column {field.label}: holds an invisible control character; remove "
            "it and import again."
        )
    if field.limit and len(value) > field.limit:
        raise DomainError(
            f"line {line}, column {field.label}: longer than the {field.limit} characters it "
            "may have."
        )


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_limits(spec: Kind) -> dict[str, int]:
    """The most characters each text column holds (PostgreSQL would stop with a traceback)."""
    limits = {}
    for column in spec.columns:
        target = column.target or column.name
        if column.kind != "text":
            continue
        length = getattr(spec.table.c[target].type, "length", None)
        if length:
            limits[target] = length
    return limits


def _upsert(
    session: Session,
    spec: Kind,
    batch: list[dict],
    given: set[str],
    tally: Tally,
    touched: _Touched,
) -> None:
    """Add the rows of `batch` whose natural key is new; update the others where they differ.
    Two rows of one batch with the same key are one record: the later row wins."""
    if not batch:
        return
    if spec.closes_loans:
        closed = returns.closing(session, spec.table, batch)
        tally.unchanged += len(batch) - len(closed)
        _apply(session, spec, closed, [], tally, touched)
        return
    key = spec.natural_key
    by_key = {tuple(values[c] for c in key): values for values in batch}
    tally.unchanged += len(batch) - len(by_key)  # a repeated row in the file
    existing = _existing(session, spec, list(by_key))
    new, changed = [], []
    for identity, values in by_key.items():
        found = existing.get(identity)
        if found is None:
            new.append(values)
            continue
        changes = {c: values[c] for c in given if values[c] != found[c]}
        if not changes or (spec.leaves_when and found[spec.leaves_when] is not None):
            tally.unchanged += 1
        else:
            changed.append((found, changes))
    _apply(session, spec, changed, new, tally, touched)


def _apply(
    session: Session, spec: Kind, changed: list, new: list[dict], tally: Tally, touched: _Touched
) -> None:
    """Write the changes to records here, and add the new records."""
    # R-import-keeps-held: the ordinary record follows the library's system; a held one's prior
    # version goes to the preservation store first
    ids = [found["id"] for found, _ in changed]
    touched.holds |= _keep_prior_versions(session, spec, ids)
    touched.changed += ids
    for found, changes in changed:
        session.execute(update(spec.table).where(spec.table.c.id == found["id"]).values(changes))
        tally.updated += 1
    if new:
        session.execute(insert(spec.table), new)
        tally.added += len(new)


def _record_kind(spec: Kind) -> kinds.RecordKind | None:
    """The kind of library record `spec` imports (None for the references: branches, ...)."""
    return next((k for k in kinds.every() if k.table is spec.table), None)


def _keep_prior_versions(session: Session, spec: Kind, ids: list[int]) -> set[int]:
    """Have the records among `ids` that an active hold covers copied before they change; the
    ids of the holds they were tied to."""
    kind = _record_kind(spec)
    if ids and kind is not None:
        return keep_prior_versions.answer()(session, kind.key, ids)
    return set()


def _recount_holds(session: Session, spec: Kind, first_new: int, touched: _Touched) -> None:
    """Have the holds the imported records fall in (or fell in before) counted again."""
    kind = _record_kind(spec)
    if kind is not None:
        recount_imported.answer()(session, kind.key, first_new, touched.changed, touched.holds)


LOOKUP_CHUNK = 2000  # keys per SELECT (each column's distinct values bound in an IN list)


def _existing(session: Session, spec: Kind, identities: list[tuple]) -> dict[tuple, Mapping]:
    """The records already here with one of `identities` (natural-key values), by key.

    The key's indexed columns are each matched against the chunk's values for it (plain IN
    lists, cheap to build and served by the indexes); the few extra rows that matches are
    dropped by the full key. Binding the values is most of a lookup's cost, so a key column no
    index serves (a loan's item barcode) is left to that last step."""
    table, key = spec.table, spec.natural_key
    matched = _indexed(table, key)
    wanted = set(identities)
    found: dict[tuple, Mapping] = {}
    for start in range(0, len(identities), LOOKUP_CHUNK):
        chunk = identities[start : start + LOOKUP_CHUNK]
        if not _any_within(session, table, matched, chunk):
            continue
        matches = and_(*(_one_of(table.c[c], {i[n] for i in chunk}) for n, c in matched))
        for row in session.execute(select(table).where(matches)).mappings():
            identity = tuple(row[c] for c in key)
            if identity in wanted:
                found[identity] = row
    return found


def _any_within(session: Session, table: Table, matched, chunk: list[tuple]) -> bool:
    """Whether any record lies within the span of the chunk's values on each matched column: a
    cheap probe (two values a column, on its index) that spares binding the whole IN lists when
    none can match, as for a first import of the library's history."""
    spans = []
    for n, column in matched:
        values = [i[n] for i in chunk]
        if not all(isinstance(v, int | date) for v in values):
            # an empty key column, or text (which the database may order by another collation
            # than Python's, so that the span could miss a match): match it the long way
            return True
        spans.append(table.c[column].between(min(values), max(values)))
    return session.scalar(select(table.c.id).where(*spans).limit(1)) is not None


def _indexed(table: Table, key: tuple[str, ...]) -> list[tuple[int, str]]:
    """(position, name) of the key columns to match in SQL: the ones an index or a unique
    constraint leads, when there are two or more (together they are selective: a loan's patron
    and checked-out time); otherwise every key column (a mailing list's id alone would fetch
    all of its subscribers)."""
    leading = {index.columns[0].name for index in table.indexes}
    leading |= {c.name for c in table.columns if c.unique or c.index}
    indexed = [(n, c) for n, c in enumerate(key) if c in leading]
    return indexed if len(indexed) >= 2 else list(enumerate(key))


def _one_of(column, values: set):
    """`column` has one of `values` (None among them: or is empty)."""
    present = column.in_(sorted(v for v in values if v is not None))
    return or_(present, column.is_(None)) if None in values else present


def _row_check(kind: str, names: Mapping[str, str]) -> Callable[[dict, int], None]:
    """What a row of `kind` must hold beyond its columns: a computer session names its user, and
    a span ends no earlier than it starts."""
    span = REFERENCE_SPANS.get(kind) or _span(kind)
    sessions = kind == kinds.COMPUTER_SESSIONS.key

    def check(values: dict, line: int) -> None:
        if sessions and not values.get("patron_id") and not values.get("signup_name"):
            raise DomainError(
                f"line {line}, column card_number: give a card number or a signup_name."
            )
        if span:
            start, end = span
            if values.get(end) is not None and values[end] < values[start]:
                raise DomainError(
                    f"line {line}, column {names.get(end, end)}: it is earlier than "
                    f"{names.get(start, start)}."
                )

    return check


def _span(kind: str) -> tuple[str, str] | None:
    """A kind of record's start and end columns, when it has an end."""
    found = kinds.named(kind)
    return (found.starts, found.ends) if found and found.ends else None


class _Resolver:
    """Looks up references (card number -> patron id, ...) with a cache per kind."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, dict[str, int]] = {}

    def find(self, name: str, key: str) -> int | None:
        model, column = LOOKUPS[name]
        if name not in self.cache:
            self.cache[name] = dict(self.session.execute(select(column, model.id)).all())
        found = self.cache[name].get(key)
        if found is None and name == "patron":
            # a patron written since the cache was filled (a guardian earlier in the same file)
            found = self.session.scalar(select(model.id).where(column == key))
            if found is not None:
                self.cache[name][key] = found
        if found is None and name == "mailing_list":
            list_id = self.session.execute(
                insert(m.MailingList).values(name=key).returning(m.MailingList.id)
            ).scalar_one()
            self.cache[name][key] = list_id
            return list_id
        return found


def _reader(resolver: _Resolver, kind: str, zone: ZoneInfo) -> Callable[[str], object]:
    """The function that reads a non-empty cell of a column of `kind`."""
    if kind.startswith("choice:"):
        return functools.partial(_choice, tuple(kind.split(":", 1)[1].split("|")))
    if kind.startswith("ref:"):
        return functools.partial(_reference, resolver, kind.split(":", 1)[1])
    if kind == "datetime":
        return functools.partial(_parse_datetime, zone=zone, offsets={})
    return {"text": _text, "int": _int, "decimal": _decimal, "bool": _bool, "date": _date}[kind]


def _text(raw: str) -> str:
    return raw


def _int(raw: str) -> int:
    if not raw.isdigit():
        raise ValueError(f"“{raw}” is not a whole number.")
    return int(raw)


def _decimal(raw: str) -> Decimal:
    value = Decimal(raw)
    if value < 0:
        raise ValueError("must not be negative.")
    return value


def _bool(raw: str) -> bool:
    if raw.lower() not in {"true", "false", "yes", "no", "1", "0"}:
        raise ValueError(f"“{raw}” is not yes or no.")
    return raw.lower() in {"true", "yes", "1"}


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"“{raw}” is not a date like 2026-03-31.") from None


def _choice(choices: tuple[str, ...], raw: str) -> str:
    if raw.lower() not in choices:
        raise ValueError(f"“{raw}” is not one of {', '.join(choices)}.")
    return raw.lower()


def _reference(resolver: _Resolver, lookup: str, raw: str) -> int:
    found = resolver.find(lookup, raw)
    if found is None:
        raise LookupError(f"no {lookup.replace('_', ' ')} “{raw}” is known.")
    return found


def _parse_datetime(raw: str, zone: ZoneInfo, offsets: dict[int, timedelta | None]) -> datetime:
    """ISO 8601; a time with no offset is the library's local time (`zone`). `offsets` keeps the
    zone's UTC offset on each day seen that has one all day (a file has many times a day)."""
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"“{raw}” is not a date and time like 2026-03-31T14:05.") from None
    if value.tzinfo is not None:
        return value.astimezone(clock.UTC)
    day = value.toordinal()
    if day not in offsets:
        offsets[day] = _steady_offset(day, zone)
    offset = offsets[day]
    if offset is None:  # the clocks change that day
        return _local_time(value, zone)
    utc = value - offset
    return datetime.combine(utc, utc.time(), clock.UTC)


def _steady_offset(day: int, zone: ZoneInfo) -> timedelta | None:
    """The zone's UTC offset all through the day `day` (an ordinal), or None when the clocks
    change that day (the offsets at its start, every six hours and at its end differ, or a
    midnight has two readings)."""
    start = datetime.fromordinal(day)
    moments = [start + timedelta(hours=h) for h in (0, 6, 12, 18, 24)]
    found = {m.replace(tzinfo=zone, fold=fold).utcoffset() for m in moments for fold in (0, 1)}
    return found.pop() if len(found) == 1 else None


def _local_time(value: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock time `value` at the library, in UTC, on a day the clocks change."""
    local = value.replace(tzinfo=zone)
    back = local.astimezone(clock.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != value:
        # In the hour the clocks go forward no wall-clock time exists: say so, rather than
        # let it turn into another time (docs/rules.md R-import-local-times).
        raise ValueError(
            f"{value:%H:%M} on {value:%-d %b %Y} does not exist at the library ({zone.key}): "
            "the clocks go forward that night. Check the time, or give it with its UTC offset."
        )
    return local.astimezone(clock.UTC)
