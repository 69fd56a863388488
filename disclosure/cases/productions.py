"""Productions (docs/rules.md R-production-exact: exactly which records, to whom, under
what authority, by whom, when). The Director picks records from the records store by patron,
workstation, time window and kind, previews them, and freezes them: each released record is
copied into the production, since the originals may later be purged. The CSV and JSON exports
and their manifest are generated deterministically from the frozen copy, so the SHA-256 in the
manifest can be checked at any time."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock, csvsafe
from disclosure.areas import Hook
from disclosure.audit import service as audit
from disclosure.auth import service as auth
from disclosure.auth.models import User
from disclosure.cases.guidance import kind_label
from disclosure.cases.models import Case, Decision, Production, ProductionItem
from disclosure.errors import DomainError
from disclosure.records import kinds
from disclosure.records import models as rec

MAX_RECORDS = 2000
# The copies a case's holds keep in the preservation store, which belongs to the holds area
# (above this one): preserved_copies(session, case_id) -> [(kind, original id, content dict,
# preserved at)]. No default: a production must never skip its holds' copies in silence.
preserved_copies = Hook("cases.preserved_copies")
PRESERVED = "preserved copy"  # what `source` says of a record drawn from the preservation store
SECRET_COLUMNS = frozenset({"pin_hash", "session_version"})  # never part of a release


# What a production does with each kind of record (records/kinds.py), keyed by its key:
# - a patron's registration is released whole, only for a named patron, whatever the window;
WHOLE_FOR_A_NAMED_PATRON = frozenset({kinds.PATRONS.key})
# - e-mails about interlibrary loans are not offered, as they never were: offering them would
#   change what the Director may release, a decision of its own.
NOT_OFFERED = frozenset({kinds.ILL_EMAILS.key})


class _Offered(Mapping):
    """The kinds a production may release, key -> kind, in display order, always as registered
    (a former key, in a production frozen before the registry, finds its kind too)."""

    def __getitem__(self, name: str) -> kinds.RecordKind:
        found = kinds.REGISTRY[name]
        if found.key in NOT_OFFERED:
            raise KeyError(name)
        return found

    def __iter__(self):
        return iter([k for k in kinds.every_key() if k not in NOT_OFFERED])

    def __len__(self) -> int:
        return sum(1 for _ in self)


RECORD_KINDS = _Offered()


def dated_by(kind: str) -> str | None:
    """The column a production's time window applies to for `kind` (None: released whatever
    the window)."""
    found = kinds.named(kind)
    if found is None or found.key in WHOLE_FOR_A_NAMED_PATRON:
        return None
    return found.starts


@dataclass
class Criteria:
    """What the Director picks: any of a patron (card number), a workstation, a time window; and
    kinds."""

    kinds: list[str]
    card_number: str | None = None
    workstation_code: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def when_of(item: ProductionItem) -> str | None:
    """When the frozen record happened (its checkout, session, request...), as stored (ISO text)."""
    kind = kinds.named(item.record_kind)
    return (item.data.get(kind.starts) or None) if kind else None


def oldest_first(items: list[ProductionItem]) -> list[ProductionItem]:
    """A production's frozen records in the order they happened, for a person to read."""
    return sorted(items, key=lambda i: (when_of(i) or "", i.id))


@dataclass
class FrozenRecord:
    """A library record as it will be (or was) released: a JSON-safe copy of its columns."""

    kind: str
    record_id: int
    patron_id: int | None
    data: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The library's words for its kind."""
        kind = kinds.named(self.kind)
        return kind.label if kind else self.kind


def json_safe(value):
    """A column value as JSON: ISO 8601 for instants (UTC) and dates, text for money."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _copy(table, row) -> dict:
    return {c.key: json_safe(row._mapping[c]) for c in table.columns if c.key not in SECRET_COLUMNS}


NO_LEGAL_PROCESS = (
    "This case carries no legal process from a court, so no record may go to the agency. Attach "
    "the court order when it comes (in an emergency, record the waiver on counsel's advice)."
)


def require_release_allowed(case: Case) -> None:
    """Records go out only once the Director decided to comply (counsel consulted first), or under
    an exigent waiver made on counsel's advice."""
    if not case.is_open:
        raise DomainError(f"Case {case.reference} is closed. Reopen it to record a production.")
    if case.decision not in (Decision.COMPLY.value, Decision.COMPLY_IN_PART.value):
        raise DomainError(
            "Record a decision to comply (or comply in part) before recording what was released."
        )
    if not case.release_is_lawful:
        raise DomainError(NO_LEGAL_PROCESS)


def select_records(
    session: Session, criteria: Criteria, case: Case | None = None
) -> list[FrozenRecord]:
    """The library records the criteria pick, copied (at most MAX_RECORDS); with `case`, also
    the copies its holds keep in the preservation store (docs/rules.md R-hold-preserved-apart),
    each marked `source: preserved copy`."""
    offered = list(RECORD_KINDS)
    wanted = [k for k in criteria.kinds if k in offered]
    if not wanted:
        raise DomainError("Choose at least one kind of record.", field="kinds")
    card = (criteria.card_number or "").strip()
    code = (criteria.workstation_code or "").strip()
    if not (card or code or criteria.starts_at or criteria.ends_at):
        raise DomainError(
            "Name a patron, a workstation or a time window: "
            "a production never releases everything.",
            field="card_number",
        )
    if criteria.starts_at and criteria.ends_at and criteria.ends_at <= criteria.starts_at:
        raise DomainError("The time window must end after it starts.", field="ends_at")
    patron = workstation = None
    copies = _preserved(session, case)
    patron_id = None
    if card:
        patron = session.scalar(select(rec.Patron).where(rec.Patron.card_number == card))
        patron_id = patron.id if patron is not None else _preserved_patron(copies, card)
        if patron_id is None:
            raise DomainError(
                "No patron in the records has that card number (the record may have been purged).",
                field="card_number",
            )
    if code:
        workstation = session.scalar(select(rec.Workstation).where(rec.Workstation.code == code))
        if workstation is None:
            raise DomainError("No workstation has that code.", field="workstation_code")
    found: list[FrozenRecord] = []
    for name in wanted:
        if patron is not None or not card:
            found.extend(_pick(session, RECORD_KINDS[name], patron, workstation, criteria))
        found.extend(_pick_preserved(copies, RECORD_KINDS[name], patron_id, workstation, criteria))
        if len(found) > MAX_RECORDS:
            raise DomainError(
                f"That selection matches more than {MAX_RECORDS:,} records. Narrow it (a shorter "
                "window, one patron or one workstation).",
                field="card_number",
            )
    _enrich(session, found, copies)
    return found


def _pick(
    session: Session, kind: kinds.RecordKind, patron, workstation, criteria: Criteria
) -> list[FrozenRecord]:
    table = kind.table
    whose = kind.patron_of(table).label("whose")
    query = select(table, whose).order_by(table.c.id).limit(MAX_RECORDS + 1)
    if kind.key in WHOLE_FOR_A_NAMED_PATRON and patron is None:
        return []
    if patron is not None:
        query = query.where(kind.patron_of(table) == patron.id)
    if workstation is not None:
        if kind.workstation is None:
            return []  # only records made on a computer are tied to a workstation
        query = query.where(kind.workstation_of(table) == workstation.id)
    when = dated_by(kind.key)
    if when and criteria.starts_at:
        query = query.where(table.c[when] >= criteria.starts_at)
    if when and criteria.ends_at:
        query = query.where(table.c[when] < criteria.ends_at)
    return [
        FrozenRecord(kind.key, row.id, row.whose, _copy(table, row))
        for row in session.execute(query)
    ]


def _preserved(session: Session, case: Case | None) -> list[tuple]:
    return [] if case is None else list(preserved_copies.answer()(session, case.id))


def _preserved_patron(copies: list[tuple], card: str) -> int | None:
    """The id of the patron with this card among the preserved registration records."""
    return next(
        (
            original_id
            for kind, original_id, data, _at in copies
            if kind == kinds.PATRONS.key and data.get("card_number") == card
        ),
        None,
    )


def _pick_preserved(
    copies: list[tuple], kind: kinds.RecordKind, patron_id, workstation, criteria: Criteria
) -> list[FrozenRecord]:
    """The preserved copies of `kind` the criteria pick: the same tests as `_pick`, on the
    columns each copy kept."""
    if kind.key in WHOLE_FOR_A_NAMED_PATRON and patron_id is None:
        return []
    whose = kind.patron if isinstance(kind.patron, str) else None
    when = dated_by(kind.key)
    picked = []
    for key, original_id, data, at in copies:
        if key != kind.key:
            continue
        owner = data.get(whose) if whose else None
        if patron_id is not None and owner != patron_id:
            continue
        if workstation is not None and (
            kind.workstation != "workstation_id" or data.get("workstation_id") != workstation.id
        ):
            continue
        moment = datetime.fromisoformat(data[when]) if when and data.get(when) else None
        if moment and criteria.starts_at and moment < criteria.starts_at:
            continue
        if moment and criteria.ends_at and moment >= criteria.ends_at:
            continue
        marked = dict(data, source=PRESERVED, preserved_at=json_safe(at))
        picked.append(FrozenRecord(kind.key, original_id, owner, marked))
    return picked


def _enrich(session: Session, records: list[FrozenRecord], copies: list[tuple] = ()) -> None:
    """Add what a reader of the release needs beside the raw ids (the patron's card and name, the
    workstation, branch, program or list), since the rows these ids point to may be purged (a
    purged patron's card and name from their preserved registration record among `copies`)."""

    def lookup(model, ids, *cols):
        ids = {i for i in ids if i is not None}
        if not ids:
            return {}
        return {
            row.id: row for row in session.execute(select(model.id, *cols).where(model.id.in_(ids)))
        }

    patrons = {
        original_id: SimpleNamespace(card_number=data.get("card_number"), name=data.get("name"))
        for kind, original_id, data, _at in copies
        if kind == kinds.PATRONS.key
    } | lookup(rec.Patron, [r.patron_id for r in records], rec.Patron.card_number, rec.Patron.name)
    stations = lookup(
        rec.Workstation, [r.data.get("workstation_id") for r in records], rec.Workstation.code
    )
    branches = lookup(rec.Branch, [r.data.get("branch_id") for r in records], rec.Branch.code)
    programs = lookup(
        rec.Program,
        [r.data.get("program_id") for r in records],
        rec.Program.code,
        rec.Program.title,
    )
    lists = lookup(rec.MailingList, [r.data.get("list_id") for r in records], rec.MailingList.name)
    for record in records:
        if record.kind not in WHOLE_FOR_A_NAMED_PATRON and record.patron_id in patrons:
            record.data["patron_card_number"] = patrons[record.patron_id].card_number
            record.data["patron_name"] = patrons[record.patron_id].name
        if record.data.get("workstation_id") in stations:
            record.data["workstation_code"] = stations[record.data["workstation_id"]].code
        if record.data.get("branch_id") in branches:
            record.data["branch_code"] = branches[record.data["branch_id"]].code
        if record.data.get("program_id") in programs:
            program = programs[record.data["program_id"]]
            record.data["program_code"], record.data["program_title"] = program.code, program.title
        if record.data.get("list_id") in lists:
            record.data["list_name"] = lists[record.data["list_id"]].name


def digest(records: list[FrozenRecord]) -> str:
    """A fingerprint of exactly which records a preview showed, so the release is what was
    previewed."""
    return hashlib.sha256(",".join(f"{r.kind}:{r.record_id}" for r in records).encode()).hexdigest()


def default_recipient(case: Case) -> str:
    """The officer who asked, as the production's recipient."""
    return ", ".join(
        p
        for p in (
            case.officer_name,
            case.officer_badge and f"badge {case.officer_badge}",
            case.officer_agency,
        )
        if p
    )


def default_authority(case: Case) -> str:
    """The case's document, in one line: the authority the records are released under."""
    if case.waiver is not None:
        return (
            f"Exigent waiver upon counsel's advice (case {case.reference}); officer's paper to "
            "follow"
        )
    parts = [kind_label(case.kind)]
    if case.court:
        parts.append(case.court)
    if case.docket_number:
        parts.append(f"docket {case.docket_number}")
    if case.issued_on:
        parts.append(f"issued {case.issued_on.isoformat()}")
    return ", ".join(parts)


def freeze(
    session: Session,
    director: User,
    case: Case,
    criteria: Criteria,
    *,
    recipient: str,
    authority: str,
    note: str = "",
    expected_digest: str | None = None,
) -> Production:
    """Record a production: copy the picked records into it, with its manifest of SHA-256s."""
    if "director" not in auth.roles_of(session, director):
        raise DomainError("Only the Director (or an acting Director) releases records.")
    require_release_allowed(case)
    if not (recipient or "").strip():
        raise DomainError("Say to whom the records were released.", field="recipient")
    if not (authority or "").strip():
        raise DomainError("Say under what authority the records were released.", field="authority")
    records = sorted(select_records(session, criteria, case), key=lambda r: (r.kind, r.record_id))
    if not records:
        raise DomainError(
            "The selection has no records. A decision of “no responsive records” needs no "
            "production.",
            field="kinds",
        )
    if expected_digest and digest(records) != expected_digest:
        raise DomainError(
            "The records changed since the preview. Preview again, then release.", field="kinds"
        )
    production = Production(
        case_id=case.id,
        produced_at=clock.now(),
        produced_by_id=director.id,
        recipient=recipient.strip()[:300],
        authority=authority.strip()[:300],
        note=(note or "").strip() or None,
        manifest={},
    )
    session.add(production)
    session.flush()
    production.items = [
        ProductionItem(
            production_id=production.id,
            record_kind=r.kind,
            record_id=r.record_id,
            patron_id=r.patron_id,
            data=r.data,
        )
        for r in records
    ]
    session.flush()
    production.manifest = manifest(case, production)
    audit.record(
        session,
        director,
        "case.production_recorded",
        "production",
        production.id,
        case_id=case.id,
        detail=f"items={len(records)}",
    )
    return production


# ---- exports: generated from the frozen copy only -------------------------------------------


def _items(production: Production) -> list[ProductionItem]:
    return sorted(production.items, key=lambda i: (i.record_kind, i.record_id))


def export_json(case: Case, production: Production) -> bytes:
    """The production as JSON (deterministic: sorted keys, records in a fixed order)."""
    body = {
        "case": case.reference,
        "production": production.id,
        "produced_at": production.produced_at.isoformat(),
        "recipient": production.recipient,
        "authority": production.authority,
        "records": [
            {"kind": i.record_kind, "record_id": i.record_id, "data": i.data}
            for i in _items(production)
        ],
    }
    return json.dumps(body, sort_keys=True, indent=2, ensure_ascii=False).encode("utf-8")


def export_csv(case: Case, production: Production) -> bytes:
    """The production as CSV: one row per record, one column per field (blank where a kind has
    none)."""
    items = _items(production)
    columns = sorted({key for item in items for key in item.data})
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\r\n")
    writer.writerow(["kind", "record_id", *columns])
    for item in items:
        writer.writerow(
            [
                item.record_kind,
                item.record_id,
                *("" if item.data.get(c) is None else item.data[c] for c in columns),
            ]
        )
    return out.getvalue().encode("utf-8")


# Drawn inside the download's request, from the frozen copy: a production holds at most
# MAX_RECORDS records, and each file of 2,000 took 0.05 s of CPU (README, "Documents": what is
# drawn inside the web request). A larger bound would make these long work (disclosure/work.py).
EXPORTS = {
    "records.csv": ("text/csv", export_csv),
    "records.json": ("application/json", export_json),
}


def manifest(case: Case, production: Production) -> dict:
    """Each export file's SHA-256, and the number of records of each kind."""
    counts: dict[str, int] = {}
    for item in production.items:
        counts[item.record_kind] = counts.get(item.record_kind, 0) + 1
    return {
        "files": {
            name: hashlib.sha256(make(case, production)).hexdigest()
            for name, (_type, make) in EXPORTS.items()
        },
        "counts": dict(sorted(counts.items())),
        "total": len(production.items),
    }


def export_manifest(case: Case, production: Production) -> bytes:
    """manifest.json: the stored manifest with the case and production it belongs to."""
    body = {
        "case": case.reference,
        "production": production.id,
        "produced_at": production.produced_at.isoformat(),
        **production.manifest,
    }
    return json.dumps(body, sort_keys=True, indent=2).encode("utf-8")


def load_production(session: Session, case: Case, production_id: int) -> Production | None:
    """A production of `case` (the caller loaded the case through the visibility rule)."""
    return session.scalar(
        select(Production).where(Production.id == production_id, Production.case_id == case.id)
    )
