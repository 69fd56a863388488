"""Presets: how the exports of the library's own system (ILS) map onto the importer's columns.

A preset says, for each kind it knows, where each of our columns comes from in the other
system's file: one of its columns (the first that has a value), several joined, the year of a
date, or the date of a timestamp. The column names are the ones those systems publish (Koha's
`borrowers`, `issues`/`old_issues` and `statistics` tables, Evergreen's `actor.usr` and
`action.circulation`); the README's chapter "The library's own system (ILS)" gives the report
queries that produce them. A generic mapping file ("our column = their column", TOML) covers
any other system (Sierra, Polaris, Symphony)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from disclosure.errors import DomainError


@dataclass(frozen=True)
class Source:
    """Where one of our columns comes from: their column(s), and how to read them."""

    columns: tuple[str, ...]
    how: str = "first"  # first (non-empty), join, year, date
    required: bool = True  # the file must have (one of) the columns
    separator: str = " "

    def value(self, row: Mapping[str, str]) -> str:
        """Our value, from one of their rows."""
        found = [(row.get(c) or "").strip() for c in self.columns]
        found = [v for v in found if v]
        if not found:
            return ""
        if self.how == "join":
            return self.separator.join(found)
        if self.how == "year":
            return found[0][:4]
        if self.how == "date":
            # a timestamp's date as written (Evergreen's expire_date is a timestamp)
            return found[0][:10]
        return found[0]

    def label(self) -> str:
        """Their column(s), as an error message names them."""
        return "/".join(self.columns)


def take(*columns: str, required: bool = True) -> Source:
    """The first of `columns` that has a value."""
    return Source(columns, required=required)


def joined(*columns: str, separator: str = " ", required: bool = True) -> Source:
    """The columns that have a value, joined."""
    return Source(columns, "join", required, separator)


def year_of(column: str) -> Source:
    """The year of a date (a date of birth becomes a birth year; the rest is not kept)."""
    return Source((column,), "year", required=False)


def date_of(column: str) -> Source:
    """The date of a date or a timestamp."""
    return Source((column,), "date")


@dataclass(frozen=True)
class Preset:
    """One system's exports: kind -> our column -> where it comes from."""

    name: str
    kinds: Mapping[str, Mapping[str, Source]]

    def for_kind(self, kind: str) -> Mapping[str, Source]:
        """The mapping of `kind`; DomainError when the preset has none."""
        if kind not in self.kinds:
            known = ", ".join(self.kinds) or "none"
            raise DomainError(
                f"The {self.name} preset has no mapping for {kind} (it has: {known})."
            )
        return self.kinds[kind]

    def check_header(self, kind: str, header: list[str]) -> None:
        """Refuse a file that lacks a column the mapping needs, in their words."""
        missing = [
            s.label()
            for s in self.for_kind(kind).values()
            if s.required and not any(c in header for c in s.columns)
        ]
        if missing:
            raise DomainError(
                f"line 1: the header lacks the column(s) {', '.join(missing)} "
                f"(the {self.name} preset)."
            )

    def translate(self, kind: str, header: list[str], row: Mapping[str, str]) -> dict[str, str]:
        """One of their rows as ours: only our columns whose source is in the file (so that a
        file of changes leaves the other columns as they are)."""
        return {
            ours: source.value(row)
            for ours, source in self.for_kind(kind).items()
            if any(c in header for c in source.columns)
        }

    def names(self, kind: str) -> dict[str, str]:
        """Our column -> their column(s), for error messages."""
        return {ours: source.label() for ours, source in self.for_kind(kind).items()}


# Koha: SQL reports (Reports > Create from SQL) over `borrowers`, `issues` UNION `old_issues`
# (joined to `items` and `biblio` for the barcode and title) and `statistics` (its returns).
KOHA = Preset(
    "koha",
    {
        "patrons": {
            "card_number": take("cardnumber"),
            "name": joined("firstname", "surname"),
            "address": joined(
                "address", "address2", "city", "state", "zipcode", "country", separator=", "
            ),
            "phone": take("phone", "mobile", required=False),
            "email": take("email", required=False),
            "birth_year": year_of("dateofbirth"),
            "card_expires_on": date_of("dateexpiry"),
            "home_branch_code": take("branchcode", required=False),
        },
        "loans": {
            "card_number": take("cardnumber"),
            "branch_code": take("branchcode"),
            "item_barcode": take("barcode", "itemnumber"),
            "item_title": take("title"),
            "checked_out_at": take("issuedate"),
            "due_at": take("date_due"),
            "returned_at": take("returndate", required=False),
        },
        # `statistics` rows of type `return`: the returns whose checkout Koha anonymised at
        # check-in (records/returns.py)
        "loan_returns": {
            "card_number": take("cardnumber"),
            "item_barcode": take("barcode", "itemnumber"),
            "returned_at": take("datetime"),
            "event": take("type", required=False),
        },
    },
)

# Evergreen: reports (or psql) over `actor.usr` with its card (`actor.card.barcode`) and
# mailing address (`actor.usr_address`), and `action.circulation` with the patron's card
# barcode as `usr` and the copy's barcode as `target_copy`.
EVERGREEN = Preset(
    "evergreen",
    {
        "patrons": {
            "card_number": take("barcode", "usrname"),
            "name": joined("first_given_name", "family_name"),
            "address": joined("street1", "street2", "city", "state", "post_code", separator=", "),
            "phone": take("day_phone", "evening_phone", "other_phone", required=False),
            "email": take("email", required=False),
            "birth_year": year_of("dob"),
            "card_expires_on": date_of("expire_date"),
            "home_branch_code": take("home_ou", required=False),
        },
        "loans": {
            "card_number": take("usr"),
            "branch_code": take("circ_lib"),
            "item_barcode": take("target_copy"),
            "item_title": take("title"),
            "checked_out_at": take("xact_start"),
            "due_at": take("due_date"),
            "returned_at": take("checkin_time", required=False),
        },
    },
)

BUILT_IN = {p.name: p for p in (KOHA, EVERGREEN)}


def from_mapping_file(path: Path) -> Preset:
    """A generic preset from a TOML file: a table per kind, `our_column = "their column"` (a list
    of their columns is joined with spaces)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise DomainError(f"the mapping file {path.name} cannot be read ({err}).") from err
    kinds: dict[str, dict[str, Source]] = {}
    for kind, columns in data.items():
        if not isinstance(columns, dict):
            raise DomainError(f'{path.name}: [{kind}] must be a table of our_column = "theirs".')
        kinds[kind] = {ours: _source(path, kind, ours, theirs) for ours, theirs in columns.items()}
    return Preset(path.stem, kinds)


def _source(path: Path, kind: str, ours: str, theirs) -> Source:
    if isinstance(theirs, str) and theirs:
        return Source((theirs,))
    if isinstance(theirs, list) and theirs and all(isinstance(t, str) for t in theirs):
        return Source(tuple(theirs), "join")
    raise DomainError(f"{path.name}: [{kind}] {ours} must name a column or a list of columns.")


def named(name: str, folder: Path | None = None) -> Preset:
    """The preset `name`: a built-in one, a mapping file's path, or `<name>.toml` in `folder`."""
    if name in BUILT_IN:
        return BUILT_IN[name]
    path = Path(name)
    if path.suffix != ".toml" and folder is not None:
        path = folder / f"{name}.toml"
    if path.suffix == ".toml" and path.is_file():
        return from_mapping_file(path)
    raise DomainError(
        f"unknown preset {name!r}: use {', '.join(BUILT_IN)} or the path of a mapping file (.toml)."
    )
