"""What the form fuzzer sends: values for each kind of field (hypothesis strategies), and a way
to learn which fields and query parameters a route reads by watching one request to it."""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import Request
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields import FileField, MultipleFileField

from tests.gag.world import FROZEN_AT

# The whole walk adds about a minute per backend on a 2-core machine: a few dozen requests per
# route, the same ones on every run (derandomize), no example database. A deeper local run:
# DISCLOSURE_FUZZ_EXAMPLES=500 pytest tests/web/test_form_fuzz.py
settings.register_profile(
    "form-fuzz",
    max_examples=int(os.environ.get("DISCLOSURE_FUZZ_EXAMPLES", "20")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
FUZZ = settings.get_profile("form-fuzz")

# ids no table holds: zero, the largest 32-bit integer, one past it, 30 nines
OUT_OF_RANGE_IDS = [0, 2**31 - 1, 2**31, 10**30 - 1]
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "line one\r\nline two",
    "\t",
    "\x1f",
    "\x85",
    "\u202eevil\u202c",
    "\u2066isolate",
    "\ufeff",
    "\U0001f600",
    "9" * 30,
    "-1",
    "0",
    "2147483648",
    "1e309",
    "NaN",
    "'; DROP TABLE cases; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    '=HYPERLINK("http://example.invalid","x")',
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-03-08T02:30",
    "2026-11-01T01:30",
    "//example.invalid/",
    "/\r\nSet-Cookie: x=1",
]
HUGE = st.builds(
    lambda char, n: char * n,
    st.sampled_from(["a", "é", "9", "\x00"]),
    st.sampled_from([257, 5_001, 70_000, 600_000]),
)
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), HUGE)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _days(day: date) -> str:
    return day.isoformat()


def _moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


DATES = st.one_of(
    st.dates(min_value=date(1850, 1, 1), max_value=date(2250, 12, 31)).map(_days),
    st.integers(-400, 400).map(lambda n: _days(FROZEN_AT.date() + timedelta(days=n))),
    TEXT,
)
MOMENTS = st.one_of(
    st.datetimes(min_value=datetime(1850, 1, 1), max_value=datetime(2250, 12, 31)).map(_moment),
    st.integers(-400 * 24, 400 * 24).map(lambda h: _moment(FROZEN_AT + timedelta(hours=h))),
    TEXT,
)
NUMBERS = st.one_of(
    st.integers(-100, 400).map(str),
    st.sampled_from([str(n) for n in OUT_OF_RANGE_IDS] + ["-2147483649", "90", "2026"]),
    st.integers().map(str),
    TEXT,
)
FLAGS = st.one_of(st.sampled_from(["y", "on", "true", "", "false", "0"]), TEXT)
FILE_NAMES = st.one_of(
    st.sampled_from(["scan.pdf", "scan.png", "a\x00b.pdf", "x" * 400 + ".pdf", "\u202efdp.exe"]),
    st.text(min_size=1, max_size=20),
)
FILES = st.tuples(st.sampled_from([PDF, PNG, b"", b"not a scan"]), FILE_NAMES)


@dataclass
class FieldInfo:
    """What the fuzzer knows of one form field: its kind and the values it offers."""

    kind: str
    choices: list[str] = field(default_factory=list)


def describe(form_field) -> FieldInfo:
    """The fuzzer's view of a bound WTForms field."""
    choices = []
    if isinstance(form_field, SelectField | RadioField | SelectMultipleField):
        choices = [str(choice[0]) for choice in form_field.iter_choices()]
    kinds = (
        (FileField | MultipleFileField, "file"),
        (BooleanField, "flag"),
        (DateField, "day"),  # before DateTimeField, which it derives from
        (DateTimeField, "moment"),
        (IntegerField, "number"),
        (SelectMultipleField, "many"),
        (SelectField | RadioField, "choice"),
        (TextAreaField, "multiline"),
    )
    kind = next((name for cls, name in kinds if isinstance(form_field, cls)), "text")
    return FieldInfo(kind, choices)


# The inputs known to break apps like this one, tried on every field of every route
NUL_TEXT = "a\x00b"
HUGE_ID = "9" * 30
SWEEP_TEXT = ["line\r\nbreak", "\u202eevil\u202c", "\x1f", "a" * 600_000, "é" * 70_000]


def typical(info: FieldInfo, known: list[str]):
    """One value a person might send for the field, the same on every run."""
    offered = [c for c in info.choices + known if c not in {"", "0"}]
    if offered:
        return offered[:1] if info.kind == "many" else offered[0]
    return {
        "file": (PDF, "scan.pdf"),
        "flag": "y",
        "moment": _moment(FROZEN_AT),
        "day": _days(FROZEN_AT.date()),
        "number": "30",
    }.get(info.kind, "Fuzz text")


def plausible_for(info: FieldInfo, known: list[str]):
    """A strategy for a value a person might well send: most examples send these for most
    fields, so that they pass the form and reach the rules behind it."""
    offered = [c for c in info.choices + known if c not in {"", "0"}]
    if info.kind == "many":
        return st.lists(st.sampled_from(offered), min_size=1, max_size=3) if offered else TEXT
    if offered:
        return st.sampled_from(offered)
    return {
        "file": st.just((PDF, "scan.pdf")),
        "flag": st.sampled_from(["y", None]),
        "moment": st.integers(-48, 48).map(lambda h: _moment(FROZEN_AT + timedelta(hours=h))),
        "day": st.integers(-30, 30).map(lambda n: _days(FROZEN_AT.date() + timedelta(days=n))),
        "number": st.sampled_from(["30", "90", "2026"]),
        "multiline": st.sampled_from(["Fuzz text", "Line one\r\nLine\ttwo"]),
    }.get(info.kind, st.sampled_from(["Fuzz text", "Det. Kim, Festus Police"]))


def values_for(info: FieldInfo, known: list[str]):
    """A strategy for one field's value: valid choices and values the world knows, and junk."""
    base = {
        "file": FILES,
        "flag": FLAGS,
        "moment": MOMENTS,
        "day": DATES,
        "number": NUMBERS,
    }.get(info.kind, TEXT)
    offered = info.choices + known
    if offered:
        base = st.one_of(st.sampled_from(offered), st.sampled_from(offered), base)
    if info.kind in {"many", "choice"}:
        base = st.one_of(base, st.sampled_from([str(n) for n in OUT_OF_RANGE_IDS]))
    return st.one_of(
        st.none(),  # the field is missing
        base,
        st.lists(base, min_size=2, max_size=3),  # a single field sent several times
    )


def as_form_value(value):
    """A drawn value as the test client sends it (files as file objects)."""
    if isinstance(value, tuple):
        content, name = value
        return (io.BytesIO(content), name)
    if isinstance(value, list):
        return [as_form_value(v) for v in value]
    return value


# ---- learning what a route reads ------------------------------------------------------------


class Seen:
    """Keys a request read from its query string or form, and the forms it validated."""

    keys: set[str] = set()
    forms: list = []

    @classmethod
    def reset(cls) -> None:
        cls.keys = set()
        cls.forms = []


class RecordingDict(ImmutableMultiDict):
    """Query and form data that remember which keys the view asked for."""

    def __contains__(self, key):
        Seen.keys.add(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's own signature)
        Seen.keys.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        Seen.keys.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        Seen.keys.add(key)
        return super().__getitem__(key)


class RecordingRequest(Request):
    """The app's request, with query and form data that remember what was read."""

    parameter_storage_class = RecordingDict


_NAMED = re.compile(r"<(?:input|button|textarea)\b[^>]*>", re.I)
_SELECT = re.compile(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.I | re.S)
_ATTR = re.compile(r'\b(name|value)="([^"]*)"')
_OPTION = re.compile(r'<option\b[^>]*value="([^"]*)"', re.I)


def offered_values(html: str) -> dict[str, set[str]]:
    """Every value a page offers for each field name (inputs, buttons, options)."""
    found: dict[str, set[str]] = {}
    for tag in _NAMED.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if "name" in attrs and attrs.get("value"):
            found.setdefault(attrs["name"], set()).add(attrs["value"])
    for name, body in _SELECT.findall(html):
        found.setdefault(name, set()).update(_OPTION.findall(body))
    return found
