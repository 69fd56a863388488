"""THE REGISTRY of the kinds of library record: each kind's one key, its table, the columns
that say whose it is, when, where and on which computer, the hold category that preserves it,
its retention rule, its CSV columns, and its name in the library's words and in the patron's.

Every area reads the kinds from here and keys its own per-kind rules by `RecordKind.key` (the
hold predicate in holds/coverage.py, periods in retention/rules.py, steps in retention/purge.py,
readers in patrons/gather.py); no other module spells a kind. The key is also what the database
stores (hold categories, retention rules, purge counts, patrons' requests). Registration order
is the order every page, form and document shows the kinds in.

The registry is the lowest layer: it imports only the record tables, never an area above."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from sqlalchemy import ColumnElement, FromClause, Table, func, select

from disclosure.i18n import N_
from disclosure.records import models as m

T = TypeVar("T")


@dataclass(frozen=True)
class Via:
    """A column of another row: `through` (a column of the kind's table) holds the id of a row
    of `table`, and the value wanted is that row's `column` (an e-mail's patron is its
    interlibrary-loan request's patron)."""

    through: str
    table: Table
    column: str


Column = str | Via  # a column of the kind's own table, or one reached through another row


@dataclass(frozen=True)
class HoldCategory:
    """A category of record a preservation hold names (docs/rules.md R-hold-names-its-scope); one or
    more kinds belong to it (interlibrary-loan requests and their e-mails go together)."""

    key: str
    label: str  # the library's words on the hold form and in the preservation letters


@dataclass(frozen=True)
class ImportColumn:
    """One column of a kind's CSV import: its header, how to read it, whether it may be empty,
    and where it goes (records/importer.py reads them)."""

    name: str
    kind: str  # text, int, date, datetime, decimal, bool, choice:a|b, or ref:<lookup>
    required: bool = True
    target: str | None = None  # the table's column, when it differs from the header
    help: str = ""


@dataclass(frozen=True)
class RecordKind:
    """One kind of library record, as every area sees it."""

    key: str  # the one spelling: code, URLs, forms and stored values all use it
    table: Table
    label: str  # the library's words (the Director's): "Loans (circulation history)"
    patron_label: str  # the patron's plainer words: "Loans"
    patron_hint: str  # what it is, in one line to the patron
    category: HoldCategory
    patron: Column  # whose record it is (the patron's id)
    starts: str  # when its time span starts (or the moment it happened)
    ends: str | None = None  # when its time span ends
    # What an empty (or absent) end means: the span goes on (a loan not yet returned) or it
    # lasted a moment (a session never signed off).
    without_end: Literal["ongoing", "moment"] = "moment"
    branch: Column | None = None
    workstation: Column | None = None
    retention: str = ""  # the retention rule that governs it (default: its own key)
    import_columns: tuple[ImportColumn, ...] = ()
    import_label: str = ""  # how the importer describes it: "checkouts and circulation history"
    # The table columns that identify one record in the library's own system's exports (its
    # natural key): an import updates the record with that key instead of adding a second one.
    natural_key: tuple[str, ...] = ()
    # A column that, once set, means the record is no longer the library system's copy (an
    # anonymised interlibrary loan): an import leaves such a record as it is.
    import_leaves_when: str | None = None
    # Keys that productions frozen before the registry stored, which stay as frozen (their
    # exports' SHA-256 are printed on certificates of production already given out).
    former_keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.retention:
            object.__setattr__(self, "retention", self.key)
        if self.import_columns and not self.natural_key:
            raise ValueError(f"The importable kind {self.key!r} needs a natural_key.")

    @property
    def name(self) -> str:
        """The key, under the name form choices use."""
        return self.key

    # ---- the kind's columns as SQL, on its table or an alias of it -------------------------

    def column(self, which: Column, row: FromClause | None = None) -> ColumnElement:
        """`which` (a column name or a Via) for the record `row` (default: the kind's table)."""
        row = self.table if row is None else row
        if isinstance(which, Via):
            # through an alias of its own, so that a query that also reads `which.table` is
            # not correlated with it by mistake
            other = which.table.alias()
            return (
                select(other.c[which.column])
                .where(other.c.id == row.c[which.through])
                .correlate_except(other)
                .scalar_subquery()
            )
        return row.c[which]

    def patron_of(self, row: FromClause | None = None) -> ColumnElement:
        """The id of the patron the record identifies."""
        return self.column(self.patron, row)

    def starts_of(self, row: FromClause | None = None) -> ColumnElement:
        """When the record's time span starts."""
        return self.column(self.starts, row)

    def ends_of(self, row: FromClause | None = None) -> ColumnElement | None:
        """When the record's time span ends; NULL, or None for no column, when it goes on."""
        if self.ends is None:
            return self.starts_of(row) if self.without_end == "moment" else None
        ends = self.column(self.ends, row)
        return func.coalesce(ends, self.starts_of(row)) if self.without_end == "moment" else ends

    def branch_of(self, row: FromClause | None = None) -> ColumnElement | None:
        """The branch the record belongs to, or None when the kind has none."""
        return None if self.branch is None else self.column(self.branch, row)

    def workstation_of(self, row: FromClause | None = None) -> ColumnElement | None:
        """The public computer the record was made on, or None when the kind has none."""
        return None if self.workstation is None else self.column(self.workstation, row)


# ---- the registry ------------------------------------------------------------------------------

_KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    """Add a kind of record (after the others, in display order); its key must be new."""
    taken = set(_KINDS) | {k for known in _KINDS.values() for k in known.former_keys}
    if kind.key in taken or taken & set(kind.former_keys):
        raise ValueError(f"A kind of record is already registered as {kind.key!r}.")
    _KINDS[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    """Take a kind out of the registry again (a test's own kind, at its end)."""
    del _KINDS[key]


def get(key: str) -> RecordKind:
    """The kind registered under `key` (KeyError when there is none)."""
    return _KINDS[key]


def named(name: str) -> RecordKind | None:
    """The kind `name` is the key of, or a former key of (a production frozen before the
    registry); None when it names no kind."""
    if name in _KINDS:
        return _KINDS[name]
    return next((k for k in _KINDS.values() if name in k.former_keys), None)


def every() -> list[RecordKind]:
    """Every kind, in display order."""
    return list(_KINDS.values())


def every_key() -> list[str]:
    """Every kind's key, in display order."""
    return list(_KINDS)


def categories() -> list[HoldCategory]:
    """The hold categories, in the order of their first kind."""
    return list(dict.fromkeys(k.category for k in _KINDS.values()))


def category(key: str) -> HoldCategory:
    """The hold category `key` (KeyError when no kind belongs to it)."""
    found = next((c for c in categories() if c.key == key), None)
    if found is None:
        raise KeyError(key)
    return found


def of_category(key: str) -> list[RecordKind]:
    """The kinds a hold category covers."""
    return [k for k in _KINDS.values() if k.category.key == key]


class Registry(Mapping[str, RecordKind]):
    """The registry as a read-only mapping, key -> kind, always current (for templates and
    forms: `kinds[key].label`). A former key finds its kind too; iteration gives current keys."""

    def __getitem__(self, name: str) -> RecordKind:
        found = named(name)
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(list(_KINDS))

    def __len__(self) -> int:
        return len(_KINDS)


REGISTRY = Registry()


class PerKind(Mapping[str, T], Generic[T]):
    """An area's rule for each kind of record, keyed by the registry's key: a retention period,
    a purge step, a report reader. The area registers its rules for the built-in kinds where it
    defines them; whoever registers a new kind registers its rules the same way. Iteration
    follows the registry's display order."""

    def __init__(self, what: str, keys: Callable[[], list[str]] = every_key) -> None:
        self.what = what  # "purge step": named in errors
        self._keys = keys  # the keys a rule may be registered under
        self._rules: dict[str, T] = {}

    def register(self, key: str, rule: T) -> T:
        """Give `key` its rule; the key must be registered and have no rule yet."""
        if key not in self._keys():
            raise KeyError(f"No kind of record {key!r} is registered (records/kinds.py).")
        if key in self._rules:
            raise ValueError(f"The kind {key!r} already has a {self.what}.")
        self._rules[key] = rule
        return rule

    def unregister(self, key: str) -> None:
        """Take the rule of `key` out again."""
        del self._rules[key]

    def missing(self) -> list[str]:
        """The keys with no rule yet."""
        return [k for k in self._keys() if k not in self._rules]

    def __getitem__(self, key: str) -> T:
        try:
            return self._rules[key]
        except KeyError:
            raise KeyError(f"The kind {key!r} has no {self.what}.") from None

    def __iter__(self) -> Iterator[str]:
        return iter([k for k in self._keys() if k in self._rules])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def retention_keys() -> list[str]:
    """The retention rules' keys, in display order (one rule may govern several kinds)."""
    return list(dict.fromkeys(k.retention for k in _KINDS.values()))


# ---- the library's kinds, in the order they are shown ------------------------------------------

L, S, W = m.Loan.__table__, m.ComputerSession.__table__, m.Workstation.__table__
ILL, E = m.InterlibraryLoan.__table__, m.IllEmail.__table__
PR, PG = m.ProgramRegistration.__table__, m.Program.__table__
MS, P = m.MailingListSubscription.__table__, m.Patron.__table__

CARD = ImportColumn("card_number", "ref:patron", target="patron_id")
CARD_IF_ANY = ImportColumn("card_number", "ref:patron", required=False, target="patron_id")

PATRONS = register(
    RecordKind(
        key="patrons",
        table=P,
        label="Patron registration records",
        patron_label=N_("Registration details"),
        patron_hint=N_("Your name, address and the other details on your library card."),
        category=HoldCategory("patrons", "Patron registration records"),
        patron="id",
        starts="registered_at",
        without_end="ongoing",  # a registration lasts until the record is deleted
        branch="home_branch_id",
        import_columns=(
            ImportColumn("card_number", "text"),
            ImportColumn("name", "text"),
            ImportColumn("address", "text"),
            ImportColumn("phone", "text", required=False),
            ImportColumn("email", "text", required=False),
            ImportColumn("birth_year", "int", required=False),
            ImportColumn("card_expires_on", "date"),
            ImportColumn("amount_owed", "decimal", required=False),
            ImportColumn(
                "guardian_card_number",
                "ref:patron",
                required=False,
                target="guardian_id",
                help="the guardian's card number, for a minor; the guardian must come earlier in "
                "the file or be imported already",
            ),
            ImportColumn("home_branch_code", "ref:branch", required=False, target="home_branch_id"),
        ),
        import_label="registered borrowers",
        natural_key=("card_number",),
        former_keys=("patron",),
    )
)
LOANS = register(
    RecordKind(
        key="loans",
        table=L,
        label="Loans (circulation history)",
        patron_label=N_("Loans"),
        patron_hint=N_("Items you have borrowed, while we still keep the record."),
        category=HoldCategory("loans", "Loans (circulation history)"),
        patron="patron_id",
        starts="checked_out_at",
        ends="returned_at",
        without_end="ongoing",  # still on loan
        branch="branch_id",
        import_columns=(
            CARD,
            ImportColumn("branch_code", "ref:branch", target="branch_id"),
            ImportColumn("item_barcode", "text"),
            ImportColumn("item_title", "text"),
            ImportColumn("checked_out_at", "datetime"),
            ImportColumn("due_at", "datetime"),
            ImportColumn("returned_at", "datetime", required=False),
            ImportColumn("fine_settled", "bool", required=False),
        ),
        import_label="checkouts and circulation history",
        natural_key=("patron_id", "item_barcode", "checked_out_at"),
        former_keys=("loan",),
    )
)
COMPUTER_SESSIONS = register(
    RecordKind(
        key="computer_sessions",
        table=S,
        label="Computer sign-up and session logs",
        patron_label=N_("Computer sessions"),
        patron_hint=N_("Times you signed up for a public computer."),
        category=HoldCategory("computer_sessions", "Computer sign-up and session logs"),
        patron="patron_id",
        starts="started_at",
        ends="ended_at",
        without_end="moment",  # a session never signed off counts as its start
        branch=Via("workstation_id", W, "branch_id"),
        workstation="workstation_id",
        import_columns=(
            ImportColumn("workstation_code", "ref:workstation", target="workstation_id"),
            CARD_IF_ANY,
            ImportColumn(
                "signup_name",
                "text",
                required=False,
                help="a walk-in's name at sign-up, when no card was used",
            ),
            ImportColumn("started_at", "datetime"),
            ImportColumn("ended_at", "datetime", required=False),
        ),
        import_label="computer sign-ups and sessions",
        natural_key=("workstation_id", "started_at"),
        former_keys=("computer_session",),
    )
)
INTERLIBRARY_LOANS_AND_EMAILS = HoldCategory(
    "interlibrary_loans", "Interlibrary-loan requests and their e-mails"
)
INTERLIBRARY_LOANS = register(
    RecordKind(
        key="interlibrary_loans",
        table=ILL,
        label="Interlibrary-loan requests",
        patron_label=N_("Interlibrary loans"),
        patron_hint=N_("Items you asked us to borrow from another library."),
        category=INTERLIBRARY_LOANS_AND_EMAILS,
        patron="patron_id",
        starts="requested_at",
        ends="completed_at",
        without_end="ongoing",  # not completed yet
        import_columns=(
            ImportColumn("reference", "text"),
            CARD_IF_ANY,
            ImportColumn("title", "text", required=False),
            ImportColumn("lending_library", "text", required=False),
            ImportColumn(
                "status", "choice:" + "|".join(m.ILL_OPEN_STATUSES + m.ILL_COMPLETED_STATUSES)
            ),
            ImportColumn("department", "text"),
            ImportColumn("requested_at", "datetime"),
            ImportColumn("completed_at", "datetime", required=False),
        ),
        import_label="interlibrary-loan requests",
        natural_key=("reference",),
        import_leaves_when="anonymised_at",
        former_keys=("interlibrary_loan",),
    )
)
PROGRAM_REGISTRATIONS = register(
    RecordKind(
        key="program_registrations",
        table=PR,
        label="Program registrations",
        patron_label=N_("Program registrations"),
        patron_hint=N_("Programs and events you signed up for."),
        category=HoldCategory("program_registrations", "Program registrations"),
        patron="patron_id",
        starts="registered_at",
        branch=Via("program_id", PG, "branch_id"),
        import_columns=(
            ImportColumn("program_code", "ref:program", target="program_id"),
            CARD,
            ImportColumn("registered_at", "datetime"),
        ),
        import_label="registrations for programs",
        natural_key=("program_id", "patron_id"),
        former_keys=("program_registration",),
    )
)
ILL_EMAILS = register(
    RecordKind(
        key="ill_emails",
        table=E,
        label="Interlibrary-loan e-mail messages",
        patron_label=N_("E-mails about interlibrary loans"),
        patron_hint=N_("Messages we sent you about interlibrary loans."),
        category=INTERLIBRARY_LOANS_AND_EMAILS,
        patron=Via("ill_id", ILL, "patron_id"),
        starts="sent_at",
        import_columns=(
            ImportColumn("ill_reference", "ref:ill", target="ill_id"),
            ImportColumn("sent_at", "datetime"),
            ImportColumn("to_address", "text"),
            ImportColumn("subject", "text"),
            ImportColumn("body", "text", required=False),
        ),
        import_label="e-mail messages about interlibrary loans",
        natural_key=("ill_id", "sent_at", "subject"),
        former_keys=("ill_email",),
    )
)
MAILING_LIST_SUBSCRIPTIONS = register(
    RecordKind(
        key="mailing_list_subscriptions",
        table=MS,
        label="Mailing-list subscriptions",
        patron_label=N_("Mailing-list subscriptions"),
        patron_hint=N_("Lists you joined to hear about programs and events."),
        category=HoldCategory("mailing_list_subscriptions", "Mailing-list subscriptions"),
        patron="patron_id",
        starts="subscribed_at",
        ends="last_activity_at",
        without_end="ongoing",
        import_columns=(
            ImportColumn(
                "list_name", "ref:mailing_list", target="list_id", help="created when new"
            ),
            CARD_IF_ANY,
            ImportColumn("email", "text"),
            ImportColumn("subscribed_at", "datetime"),
            ImportColumn("last_activity_at", "datetime"),
        ),
        import_label="mailing-list subscriptions",
        natural_key=("list_id", "email"),
        former_keys=("mailing_list_subscription",),
    )
)
