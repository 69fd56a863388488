"""Everything the library holds that identifies a patron (docs/rules.md R-patron-sees-own),
and the disclosures of those records that a patron may be told about."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.cases.models import Case, Production, ProductionItem
from disclosure.cases.visibility import not_gagged
from disclosure.i18n import N_
from disclosure.records import kinds
from disclosure.records import models as m


class _PatronWords(Mapping):
    """Each kind of record (records/kinds.py) in the words a patron reads, key -> words, in the
    order a report shows them, always as registered."""

    def __getitem__(self, key: str) -> str:
        return kinds.get(key).patron_label

    def __iter__(self):
        return iter(kinds.every_key())

    def __len__(self) -> int:
        return len(kinds.every_key())


KINDS = _PatronWords()


@dataclass(frozen=True)
class Reader:
    """How a patron's report reads one kind of record: its rows, and their columns in the
    patron's words."""

    read: Callable[[Session, m.Patron, Scope], list[dict]]
    columns: list[tuple[str, str]]  # (key, label): the JSON and CSV carry them all
    pdf_columns: list[str] | None = None  # the PDF shows these (None: all of them)
    as_facts: bool = False  # one record, shown as a list of facts rather than a one-row table


# The readers, keyed by the registry's key (records/kinds.py).
READERS: kinds.PerKind[Reader] = kinds.PerKind("patron report reader")


def register(key: str, reader: Reader) -> Reader:
    """Give a kind its reader (the built-in ones below; a new kind's, where it is added)."""
    return READERS.register(key, reader)


def reader_of(key: str) -> Reader:
    """The kind's reader; a kind with none is read plainly, every column of its table, so that
    no record that identifies the patron is left out of their report."""
    return READERS[key] if key in READERS else _plain_reader(kinds.get(key))


@dataclass(frozen=True)
class Scope:
    """Which records a request or consent covers: some kinds (None: all) and a date range."""

    kinds: tuple[str, ...] | None = None
    start: date | None = None
    end: date | None = None

    def includes(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    @property
    def kind_list(self) -> list[str]:
        return [k for k in KINDS if self.includes(k)]

    def describe(self, say: Callable[..., str] | None = None, day=None) -> str:
        """'Every kind of record, all dates' or 'Loans and computer sessions, 1 Jan 2026 to 31 Mar
        2026'; in another language with `say` (a gettext) and `day` (its date words)."""
        say = say or _english
        day = day or _d
        what = (
            say("Every kind of record")
            if self.kinds is None
            else _join([say(KINDS[k]).lower() for k in self.kind_list], say("and")).capitalize()
        )
        if self.start and self.end:
            when = say("%(start)s to %(end)s", start=day(self.start), end=day(self.end))
        elif self.start:
            when = say("from %(start)s", start=day(self.start))
        elif self.end:
            when = say("up to %(end)s", end=day(self.end))
        else:
            when = say("all dates")
        return f"{what}, {when}"


def _english(words: str, **values) -> str:
    return words % values if values else words


# The scope's words, marked for the catalogues (Scope.describe says them in the patron's language)
_SCOPE_WORDS = (
    N_("Every kind of record"),
    N_("and"),
    N_("%(start)s to %(end)s"),
    N_("from %(start)s"),
    N_("up to %(end)s"),
    N_("all dates"),
)


def _d(day: date) -> str:
    return day.strftime("%-d %b %Y")


def _join(words: list[str], and_: str = "and") -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {and_} " + words[-1]


def _in_range(column, scope: Scope):
    """Conditions keeping `column` (a UTC instant) within the scope's dates, in library time."""
    conditions = []
    if scope.start:
        conditions.append(column >= clock.start_of_local_day(scope.start))
    if scope.end:
        conditions.append(column < clock.end_of_local_day(scope.end))
    return conditions


def records_of(session: Session, patron: m.Patron, scope: Scope = Scope()) -> dict[str, list[dict]]:
    """Every record of each kind in `scope` that identifies `patron`, as rows of raw values."""
    found: dict[str, list[dict]] = {}
    for kind in scope.kind_list:
        found[kind] = reader_of(kind).read(session, patron, scope)
    return found


def _plain_reader(kind: kinds.RecordKind) -> Reader:
    shown = [c.key for c in kind.table.columns if c.key not in ("id", kind.patron)]

    def read(session: Session, patron: m.Patron, scope: Scope) -> list[dict]:
        table = kind.table
        query = (
            select(table)
            .where(kind.patron_of(table) == patron.id, *_in_range(kind.starts_of(table), scope))
            .order_by(kind.starts_of(table).desc(), table.c.id)
        )
        return [{key: row._mapping[key] for key in shown} for row in session.execute(query)]

    return Reader(read, [(key, key.replace("_", " ").capitalize()) for key in shown])


def _registration(session: Session, patron: m.Patron, scope: Scope) -> list[dict]:
    # names are sealed at rest (docs/rules.md R-encrypted-at-rest): sorted here, not in SQL
    minors = sorted(session.scalars(select(m.Patron.name).where(m.Patron.guardian_id == patron.id)))
    return [
        {
            "card_number": patron.card_number,
            "name": patron.name,
            "address": patron.address,
            "phone": patron.phone,
            "email": patron.email,
            "birth_year": patron.birth_year,
            "home_branch": patron.home_branch.name if patron.home_branch else None,
            "registered_at": patron.registered_at,
            "card_expires_on": patron.card_expires_on,
            "amount_owed": patron.amount_owed,
            "guardian": patron.guardian.name if patron.guardian else None,
            "minors": ", ".join(minors) or None,
        }
    ]


def _loans(session: Session, patron: m.Patron, scope: Scope) -> list[dict]:
    # Columns, not Loan objects: a patron may have thousands of loans, and an ORM query's objects
    # all sit in memory at once (its result is buffered); the same for every list below.
    L = m.Loan
    query = (
        select(
            L.item_title,
            L.item_barcode,
            m.Branch.name.label("branch"),
            L.checked_out_at,
            L.due_at,
            L.returned_at,
            L.fine_settled,
        )
        .join(m.Branch, m.Branch.id == L.branch_id)
        .where(L.patron_id == patron.id, *_in_range(L.checked_out_at, scope))
        .order_by(L.checked_out_at.desc(), L.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def _computer_sessions(session: Session, patron: m.Patron, scope: Scope) -> list[dict]:
    S = m.ComputerSession
    query = (
        select(
            m.Workstation.code.label("workstation"),
            m.Branch.name.label("branch"),
            S.started_at,
            S.ended_at,
        )
        .join(m.Workstation, m.Workstation.id == S.workstation_id)
        .join(m.Branch, m.Branch.id == m.Workstation.branch_id)
        .where(S.patron_id == patron.id, *_in_range(S.started_at, scope))
        .order_by(S.started_at.desc(), S.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def _interlibrary_loans(session: Session, patron: m.Patron, scope: Scope) -> list[dict]:
    ILL = m.InterlibraryLoan
    query = (
        select(
            ILL.reference,
            ILL.title,
            ILL.lending_library,
            ILL.status,
            ILL.requested_at,
            ILL.completed_at,
        )
        .where(ILL.patron_id == patron.id, *_in_range(ILL.requested_at, scope))
        .order_by(ILL.requested_at.desc(), ILL.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def _program_registrations(session: Session, patron: m.Patron, scope: Scope) -> list[dict]:
    R = m.ProgramRegistration
    query = (
        select(
            m.Program.title.label("program"),
            m.Branch.name.label("branch"),
            m.Program.starts_on,
            m.Program.ends_on,
            R.registered_at,
        )
        .join(m.Program, m.Program.id == R.program_id)
        .join(m.Branch, m.Branch.id == m.Program.branch_id)
        .where(R.patron_id == patron.id, *_in_range(R.registered_at, scope))
        .order_by(R.registered_at.desc(), R.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def _ill_emails(session: Session, patron: m.Patron, scope: Scope) -> list[dict]:
    E = m.IllEmail
    query = (
        select(
            m.InterlibraryLoan.reference.label("ill_reference"),
            E.sent_at,
            E.to_address,
            E.subject,
            E.body,
        )
        .join(m.InterlibraryLoan, m.InterlibraryLoan.id == E.ill_id)
        .where(m.InterlibraryLoan.patron_id == patron.id, *_in_range(E.sent_at, scope))
        .order_by(E.sent_at.desc(), E.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def _mailing_lists(session: Session, patron: m.Patron, scope: Scope) -> list[dict]:
    S = m.MailingListSubscription
    query = (
        select(
            m.MailingList.name.label("list_name"),
            S.email,
            S.subscribed_at,
            S.last_activity_at,
        )
        .join(m.MailingList, m.MailingList.id == S.list_id)
        .where(S.patron_id == patron.id, *_in_range(S.subscribed_at, scope))
        .order_by(m.MailingList.name, S.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


register(
    kinds.PATRONS.key,
    Reader(
        _registration,
        [
            ("card_number", "Library card number"),
            ("name", "Name"),
            ("address", "Address"),
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("birth_year", "Year of birth"),
            ("home_branch", "Home branch"),
            ("registered_at", "Registered"),
            ("card_expires_on", "Card expires"),
            ("amount_owed", "Amount owed"),
            ("guardian", "Guardian on file"),
            ("minors", "Minors in your care"),
        ],
        as_facts=True,
    ),
)
register(
    kinds.LOANS.key,
    Reader(
        _loans,
        [
            ("item_title", "Title"),
            ("item_barcode", "Item barcode"),
            ("branch", "Branch"),
            ("checked_out_at", "Borrowed"),
            ("due_at", "Due"),
            ("returned_at", "Returned"),
            ("fine_settled", "Fines settled"),
        ],
        pdf_columns=[
            "item_title",
            "branch",
            "checked_out_at",
            "due_at",
            "returned_at",
            "fine_settled",
        ],
    ),
)
register(
    kinds.COMPUTER_SESSIONS.key,
    Reader(
        _computer_sessions,
        [
            ("workstation", "Computer"),
            ("branch", "Branch"),
            ("started_at", "Started"),
            ("ended_at", "Ended"),
        ],
    ),
)
register(
    kinds.INTERLIBRARY_LOANS.key,
    Reader(
        _interlibrary_loans,
        [
            ("reference", "Request number"),
            ("title", "Title"),
            ("lending_library", "Lent by"),
            ("status", "Status"),
            ("requested_at", "Asked for"),
            ("completed_at", "Completed"),
        ],
    ),
)
register(
    kinds.PROGRAM_REGISTRATIONS.key,
    Reader(
        _program_registrations,
        [
            ("program", "Program"),
            ("branch", "Branch"),
            ("starts_on", "Starts"),
            ("ends_on", "Ends"),
            ("registered_at", "Signed up"),
        ],
    ),
)
register(
    kinds.ILL_EMAILS.key,
    Reader(
        _ill_emails,
        [
            ("ill_reference", "About request"),
            ("sent_at", "Sent"),
            ("to_address", "To"),
            ("subject", "Subject"),
            ("body", "Message"),
        ],
        pdf_columns=["ill_reference", "sent_at", "to_address", "subject"],
    ),
)
register(
    kinds.MAILING_LIST_SUBSCRIPTIONS.key,
    Reader(
        _mailing_lists,
        [
            ("list_name", "List"),
            ("email", "E-mail"),
            ("subscribed_at", "Joined"),
            ("last_activity_at", "Last activity"),
        ],
    ),
)


def kind_label(kind: str) -> str:
    """The patron's words for a record kind, also for a former key of a production frozen
    before the registry ('loan')."""
    found = kinds.named(kind)
    return found.patron_label if found else kind.replace("_", " ").capitalize()


def case_disclosures_of(session: Session, patron_id: int) -> list[dict]:
    """Releases of the patron's records in CLOSED cases that are NOT gagged (docs/rules.md
    R-gag-patron-reports: a gagged matter is not in the patron's own records, not even as a
    count): to whom, when, under what authority, and what (kinds and counts)."""
    query = (
        select(
            Production.id,
            Production.recipient,
            Production.produced_at,
            Production.authority,
            ProductionItem.record_kind,
            func.count(ProductionItem.id),
        )
        .join(Production, Production.id == ProductionItem.production_id)
        .join(Case, Case.id == Production.case_id)
        .where(ProductionItem.patron_id == patron_id, Case.closed_at.is_not(None), not_gagged())
        .group_by(
            Production.id,
            Production.recipient,
            Production.produced_at,
            Production.authority,
            ProductionItem.record_kind,
        )
        .order_by(Production.produced_at, Production.id, ProductionItem.record_kind)
    )
    by_production: dict[int, dict] = {}
    for pid, recipient, produced_at, authority, kind, count in session.execute(query):
        # No case number: numbers run library-wide, and a gap could hint at a gagged case.
        entry = by_production.setdefault(
            pid,
            {
                "to_whom": recipient,
                "when": produced_at,
                "authority": authority,
                "library_reference": None,
                "what": {},
                # kept off the report itself (report.build_document takes it out)
                "production_id": pid,
            },
        )
        entry["what"][kind_label(kind)] = count
    return list(by_production.values())
