"""Compiling a patron's records into a readable PDF, JSON and CSV, frozen with their SHA-256
so that what was delivered does not change when the originals are later purged."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock, csvsafe, i18n
from disclosure.dates import local_date
from disclosure.i18n import N_
from disclosure.patrons import gather, not_kept
from disclosure.patrons.models import ConsentRelease, FrozenReport
from disclosure.pdf import render_pdf, sha256
from disclosure.records import kinds
from disclosure.records.models import Patron
from disclosure.web import filters


def consent_disclosures_of(session: Session, patron_id: int) -> list[dict]:
    """Releases made with the patron's written consent, in the same shape as case disclosures."""
    releases = session.scalars(
        select(ConsentRelease)
        .where(ConsentRelease.patron_id == patron_id, ConsentRelease.released_at.is_not(None))
        .order_by(ConsentRelease.released_at, ConsentRelease.id)
    )
    found = []
    for release in releases:
        counts = release.report.counts if release.report else {}
        consent = {"signed_on": release.signed_on, "by_guardian": release.signed_by_guardian}
        found.append(
            {
                "to_whom": release.recipient,
                "when": release.released_at,
                "authority": consent_authority(consent),
                "library_reference": release.reference,
                "what": {gather.kind_label(k): n for k, n in counts.items() if k in gather.KINDS},
                # kept to say the authority in the PDF's language; left out of the JSON and CSV
                "consent": consent,
            }
        )
    return found


CONSENT_AUTHORITY = N_("With your written consent, signed on %(day)s")
GUARDIAN_CONSENT_AUTHORITY = N_("With your guardian's written consent, signed on %(day)s")


def consent_authority(consent: dict, say=None, day=local_date) -> str:
    """'With your written consent, signed on 3 Mar 2026'; in another language with `say` (a
    gettext) and `day` (its date words)."""
    words = GUARDIAN_CONSENT_AUTHORITY if consent["by_guardian"] else CONSENT_AUTHORITY
    if say is None:
        return words % {"day": day(consent["signed_on"])}
    return say(words, day=day(consent["signed_on"]))


def _machine_disclosure(item: dict) -> dict:
    """A disclosure as the JSON gives it: its words, not the consent it was said from."""
    return {
        **{k: v for k, v in item.items() if k != "consent"},
        "when": _machine(item["when"]),
    }


def build_document(
    session: Session,
    patron: Patron,
    scope: gather.Scope,
    *,
    purpose: str,
    reference: str,
    recipient: str | None = None,
    for_minor: bool = False,
) -> dict:
    """The report as plain data. `purpose` is 'request' (the patron's own report: records,
    disclosures, what is not kept) or 'consent' (only the covered records, for a third party)."""
    records = gather.records_of(session, patron, scope)
    document = {
        "purpose": purpose,
        "reference": reference,
        "compiled_at": clock.now(),
        "patron": {"name": patron.name, "card_number": patron.card_number},
        "for_minor": for_minor,
        "recipient": recipient,
        "scope": scope.describe(),  # in English, for the JSON; the PDF says it in its language
        "scope_terms": scope,
        "records": records,
        "counts": {kind: len(rows) for kind, rows in records.items()},
        "disclosures": [],
        "not_kept": [],
    }
    if purpose == "request":
        # The accounting of disclosures: closed, un-gagged cases (gather) and consent releases.
        disclosures = gather.case_disclosures_of(session, patron.id) + consent_disclosures_of(
            session, patron.id
        )
        # Production ids are ours, not the patron's (ids in sequence would count other matters).
        document["production_ids"] = [
            d.pop("production_id") for d in disclosures if "production_id" in d
        ]
        document["disclosures"] = sorted(disclosures, key=lambda d: d["when"])
        document["not_kept"] = not_kept.current_sentences(session)
    return document


NOT_INCLUDED = N_("not included (outside what was asked for)")


def _hint(document: dict, key: str) -> str:
    """What a kind of record is: to the patron in their own report ("items you have borrowed"),
    in the library's words in a consent's copy, which someone else reads."""
    kind = kinds.get(key)
    return kind.patron_hint if document["purpose"] == "request" else kind.label


def every_kind(document: dict) -> list[dict]:
    """Each kind of record (records/kinds.py) the report must name, with how many it holds: zero
    when there are none, None when the kind lies outside what was asked for. A patron's own
    report names every kind, so that "none held" is never mistaken for "not included"; a
    consent's copy names only the kinds the consent covers (it holds nothing else)."""
    keys = kinds.every_key() if document["purpose"] == "request" else list(document["records"])
    return [
        {
            "kind": key,
            "title": gather.KINDS[key],
            "hint": _hint(document, key),
            "count": document["counts"].get(key),
        }
        for key in keys
    ]


def _machine(value):
    """A value for JSON and CSV: ISO 8601 in the library's time zone, plain numbers and text."""
    if isinstance(value, datetime):
        return clock.local(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _human(value) -> str:
    """A value for the PDF, in plain words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    # in the report's language: a patron's own report follows the patron's (disclosure/i18n.py)
    if isinstance(value, datetime):
        return filters.datetime_in_words(value)
    if isinstance(value, date):
        return filters.date_in_words(value)
    if isinstance(value, Decimal):
        return f"${value:,.2f}"
    return str(value)


def to_json(document: dict, library_name: str) -> bytes:
    """The JSON export: every field of every record, with labels."""
    out = {
        "library": library_name,
        "reference": document["reference"],
        "compiled_at": _machine(document["compiled_at"]),
        "patron": document["patron"],
        "covers": document["scope"],
        "recipient": document["recipient"],
        "counts": document["counts"],
        "every_kind": [
            {"kind": k["title"], "count": k["count"], "included": k["count"] is not None}
            for k in every_kind(document)
        ],
        "records": {
            gather.KINDS[kind]: [
                {label: _machine(row.get(key)) for key, label in gather.reader_of(kind).columns}
                for row in rows
            ]
            for kind, rows in document["records"].items()
        },
    }
    if document["purpose"] == "request":
        out["disclosures"] = [_machine_disclosure(d) for d in document["disclosures"]]
        out["what_the_library_does_not_keep"] = [item["sentence"] for item in document["not_kept"]]
    return json.dumps(out, indent=2, ensure_ascii=False).encode("utf-8")


def to_csv(document: dict) -> bytes:
    """The CSV export, one value per line (section, number, field, value): every kind of record
    fits one sheet that any spreadsheet opens."""
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)
    writer.writerow(["section", "number", "field", "value"])
    for k in every_kind(document):
        count = NOT_INCLUDED if k["count"] is None else k["count"]
        writer.writerow(["Records held", "", k["title"], count])
    for kind, rows in document["records"].items():
        for n, row in enumerate(rows, 1):
            for key, label in gather.reader_of(kind).columns:
                writer.writerow([gather.KINDS[kind], n, label, _machine(row.get(key))])
    for n, item in enumerate(document["disclosures"], 1):
        writer.writerow(["Disclosures", n, "To whom", item["to_whom"]])
        writer.writerow(["Disclosures", n, "When", _machine(item["when"])])
        writer.writerow(["Disclosures", n, "Authority", item["authority"]])
        writer.writerow(
            ["Disclosures", n, "What", "; ".join(f"{k}: {v}" for k, v in item["what"].items())]
        )
    for n, item in enumerate(document["not_kept"], 1):
        writer.writerow(["What the library does not keep", n, "Rule", item["sentence"]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheets then read UTF-8 right


# A kind with more records than this is laid out as lines of text, not a table: WeasyPrint lays
# out a table cell (or any inline box) at a cost per box, a 5,000-row table took over a minute
# and most of a gigabyte, while the same records as lines of one paragraph take seconds.
TABLE_ROWS = 40
RECORDS_PER_BLOCK = 50  # records per paragraph: long enough to be cheap, short to break pages well
# A record longer than this many characters goes on to a second line of its own, set in by
# INDENT, so that where one record ends and the next begins shows at a glance (wrapped by the
# layout instead, its second line would start at the margin like a new record). The lines stay
# in shared paragraphs: a paragraph per record, with a hanging indent, cost a fifth more time
# and memory. About 105 characters fit across the page; fewer are counted, to be safe.
ONE_LINE = 90
INDENT = "\u2003\u2003"  # two em spaces: kept at the start of a line where plain spaces fold


def record_lines(cells: list[str]) -> str:
    """One record's values between ' · ', carried on to indented lines when they do not fit
    on one."""
    lines = [cells[0]]
    for cell in cells[1:]:
        if len(lines[-1]) + 3 + len(cell) > ONE_LINE:
            lines.append(INDENT + cell)
        else:
            lines[-1] += " · " + cell
    return "\n".join(lines)


def pdf_sections(document: dict) -> list[dict]:
    """The records as the PDF shows them: per kind, a heading, a hint, columns and text cells;
    a long list as blocks of lines (one record a line, its values between ' · ')."""
    sections = []
    for kind, rows in document["records"].items():
        reader = gather.reader_of(kind)
        keys = reader.pdf_columns or [key for key, _ in reader.columns]
        labels = dict(reader.columns)
        cells = [[_human(row.get(k)) for k in keys] for row in rows]
        long = len(rows) > TABLE_ROWS and not reader.as_facts
        records = [record_lines(c) for c in cells] if long else []
        sections.append(
            {
                "kind": kind,
                "title": gather.KINDS[kind],
                "hint": _hint(document, kind),
                "columns": [labels[k] for k in keys],
                "count": len(rows),
                "rows": [] if long else cells,
                "blocks": [
                    "\n".join(records[i : i + RECORDS_PER_BLOCK])
                    for i in range(0, len(records), RECORDS_PER_BLOCK)
                ],
                # registration is one record: shown as a list of facts rather than a one-row table
                "facts": [(label, _human(rows[0].get(key))) for key, label in reader.columns]
                if reader.as_facts and rows
                else None,
            }
        )
    return sections


def _pdf(document: dict) -> bytes:
    return render_pdf(
        "documents/patron_report.html",
        doc=document,
        sections=pdf_sections(document),
        every_kind=every_kind(document),
        not_included=NOT_INCLUDED,
        kinds=gather.KINDS,
        reference=document["reference"],
        covers=document["scope_terms"].describe(say=gettext, day=filters.date_in_words),
        disclosures=[
            {
                **d,
                "when_text": filters.datetime_in_words(d["when"]),
                "authority": consent_authority(d["consent"], gettext, filters.date_in_words)
                if "consent" in d
                else d["authority"],
            }
            for d in document["disclosures"]
        ],
        # in the language the PDF is drawn in (English unless it is a patron's own report)
        not_kept_words=not_kept.in_words(document["not_kept"], gettext),
    )


def render(document: dict, library_name: str, language: str | None) -> dict[str, bytes]:
    """The report's files, made from `document` alone (no database): the PDF, drawn in
    `language` (None: the library's), its JSON and its CSV. Needs an app context (templates)."""
    with i18n.speaking(language):
        pdf = _pdf(document)
    return {"pdf": pdf, "json": to_json(document, library_name), "csv": to_csv(document)}


def store(session: Session, document: dict, files: dict[str, bytes], **owner) -> FrozenReport:
    """Keep the rendered `files` of `document` with their SHA-256. `owner` is request=... or
    consent=...."""
    report = FrozenReport(
        compiled_at=document["compiled_at"],
        counts={**document["counts"], "disclosures": len(document["disclosures"])},
        pdf=files["pdf"],
        json_data=files["json"],
        csv_data=files["csv"],
        pdf_sha256=sha256(files["pdf"]),
        json_sha256=sha256(files["json"]),
        csv_sha256=sha256(files["csv"]),
        production_ids=document.get("production_ids", []),
        **owner,
    )
    session.add(report)
    session.flush()
    return report


FORMATS = {
    "pdf": ("pdf", "application/pdf"),
    "json": ("json_data", "application/json"),
    "csv": ("csv_data", "text/csv; charset=utf-8"),
}
HASHES = {"pdf": "pdf_sha256", "json": "json_sha256", "csv": "csv_sha256"}


def file_of(report: FrozenReport, fmt: str) -> tuple[bytes, str] | None:
    """(content, mimetype) of one frozen file, or None when the format is unknown, the content
    has been removed after the download period, or it no longer matches the SHA-256 kept when it
    was frozen (changed behind the app's back: never served as what was given; docs/rules.md
    R-evidence-unchanged)."""
    if fmt not in FORMATS:
        return None
    attribute, mimetype = FORMATS[fmt]
    content = getattr(report, attribute)
    if content is None or sha256(content) != getattr(report, HASHES[fmt]):
        return None
    return content, mimetype
