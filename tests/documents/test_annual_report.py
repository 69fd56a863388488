"""The annual report to the board: requests by kind and by outcome, gagged matters only in bands."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from disclosure import clock
from disclosure.audit import chain
from disclosure.audit import service as audit
from disclosure.documents import annual, service
from disclosure.errors import DomainError
from tests import factories
from tests.conftest import make_app
from tests.documents.helpers import pdf_text, save_png

YEAR_2025 = [  # (kind, decision, month, gagged)
    ("subpoena", "comply", 1, False),
    ("subpoena", "comply_in_part", 2, False),
    ("subpoena", "refuse_improper", 2, False),
    ("subpoena", "no_responsive_records", 5, False),
    ("subpoena", None, 11, False),
    ("search_warrant", "comply", 3, False),
    ("search_warrant", "comply", 9, False),
    ("informal", "proper_process_required", 4, False),
    ("informal", "proper_process_required", 4, False),
    ("informal", "proper_process_required", 10, False),
    ("exigent", "comply", 6, False),
    ("preservation", None, 7, False),
    ("court_order", "challenge", 8, False),
    ("nsl", "comply", 3, True),
    ("nsl", None, 12, True),
    ("fisa_order", "comply", 6, True),
]


@pytest.fixture
def year_2025(session):
    clerk = factories.user(session, "staff")
    for index, (kind, decision, month, gagged) in enumerate(YEAR_2025, start=1):
        factories.documents_case(
            session,
            received_by=clerk,
            kind=kind,
            decision=decision,
            gagged=gagged,
            number=index,
            received_at=factories.at(2025, month, 14, 16),
        )
    # outside the year (library time): 31 Dec 2024 at 11 p.m. in Missouri is 1 Jan 2025 in UTC
    factories.documents_case(
        session, received_by=clerk, received_at=factories.at(2025, 1, 1, 5), number=99
    )
    factories.documents_case(
        session, received_by=clerk, received_at=factories.at(2026, 1, 2), number=1
    )


def test_requests_are_counted_by_kind_and_outcome_in_library_time(session, app_context, year_2025):
    figures = annual.figures(session, 2025)
    by_kind = dict(figures.requests_by_kind)
    assert (
        by_kind["Subpoena"] == 5
        and by_kind["Search warrant"] == 2
        and by_kind["Informal request"] == 3
    )
    assert figures.requests_total == 13
    outcomes = dict(figures.requests_by_outcome)
    assert outcomes["Proper legal process required"] == 3 and outcomes["Not yet decided"] == 2
    assert sum(outcomes.values()) == 13
    months = dict(figures.per_month)
    assert (
        months["Apr"] == 2 and months["Jan"] == 1 and months["Dec"] == 0
    )  # the NSL in December is gagged


def test_months_are_the_librarys_even_in_a_zone_off_the_hour(app, session, app_context):
    clerk = factories.user(session, "staff")
    # Nepal is 5 h 45 min ahead of UTC: 18:20 UTC on 31 Jan is 00:05 on 1 Feb at the library,
    # and 18:10 UTC is still 23:55 on 31 Jan.
    factories.documents_case(
        session,
        received_by=clerk,
        number=1,
        received_at=factories.at(2025, 1, 31, 18) + timedelta(minutes=20),
    )
    factories.documents_case(
        session,
        received_by=clerk,
        number=2,
        received_at=factories.at(2025, 1, 31, 18) + timedelta(minutes=10),
    )
    session.flush()
    nepal = make_app(app.config["DATABASE_URL"], {"timezone": "Asia/Kathmandu"})
    with nepal.app_context():  # a library in Nepal: its app's zone
        months = dict(annual.figures(session, 2025).per_month)
    assert months["Jan"] == 1 and months["Feb"] == 1
    from sqlalchemy import select

    from disclosure.cases.models import Case

    quarters = session.scalars(
        select(annual._utc_quarter_hour(session, Case.received_at)).order_by(Case.received_at)
    ).all()
    assert quarters == [
        "2025-01-31 18:00",
        "2025-01-31 18:15",
    ]  # 18:10 and 18:20 fall in these quarters


def test_gagged_matters_appear_only_in_bands(session, app_context, year_2025):
    figures = annual.figures(session, 2025)
    assert figures.gagged_band == "0–249"
    by_kind = dict(figures.requests_by_kind)
    assert by_kind["National Security Letter"] == 0 and by_kind["FISA order"] == 0


def test_annual_report_pdf_carries_the_figures(session, app_context, year_2025, backend):
    clock.freeze(factories.at(2026, 1, 20, 15))
    director = factories.user(session, "director", full_name="Dana Whitfield")
    audit.record(session, director, "case.viewed", "case", 1)
    head = chain.head(session)
    document = service.annual_report(session, director, 2025)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "annual-report", backend)
    assert "annual report 2025" in text
    assert "Subpoena 5" in text and "Search warrant 2" in text and "Total 13" in text
    assert "Proper legal process required 3" in text
    assert "Matters under a nondisclosure order: 0–249." in text
    assert (
        "Submitted to the Board of Trustees on January 20, 2026." in text
        and "Dana Whitfield" in text
    )
    assert document.case_id is None and document.is_final and document.params == {"year": 2025}
    # the audit trail's head, as a copy outside the database (docs/rules.md R-audit-chained)
    assert "6. The audit trail" in text
    assert (
        "events" not in text.split("6. The audit trail")[1].split("Keep this page")[0]
    )  # no count
    assert head.sha256 in re.sub(r"\s", "", text)


def test_a_report_for_a_year_not_begun_is_refused(session, app_context):
    clock.freeze(factories.at(2026, 5, 1))
    director = factories.user(session, "director")
    with pytest.raises(DomainError, match="has not begun"):
        service.annual_report(session, director, 2027)


def test_the_director_issues_the_report_from_its_page(client, login_as, session):
    login_as("director")
    factories.documents_case(session, received_at=clock.now() - timedelta(days=400))
    session.commit()
    page = client.get("/documents/annual-report").get_data(as_text=True)
    assert f'value="{clock.today().year - 1}"' in page
    response = client.submit("/documents/annual-report", {"year": str(clock.today().year - 1)})
    assert response.status_code == 302
    pdf = client.get(response.headers["Location"])
    assert f"annual report {clock.today().year - 1}" in pdf_text(pdf.data)
    assert "Reports issued" in client.get("/documents/annual-report").get_data(as_text=True)


def test_patrons_requests_and_their_turnaround(session, app_context, backend):
    from disclosure.patrons.models import PatronRequest

    clock.freeze(factories.at(2026, 1, 20, 15))
    who = factories.patron(session)
    for day, answered_after, status in (
        (10, 3, "ready"),
        (40, 10, "ready"),
        (100, 40, "ready"),
        (200, None, "withdrawn"),
    ):
        received = factories.at(2025, 1, 1) + timedelta(days=day)
        session.add(
            PatronRequest(
                subject_id=who.id,
                requester_id=who.id,
                channel="portal",
                status=status,
                received_at=received,
                due_on=(received + timedelta(days=30)).date(),
                compiled_at=received + timedelta(days=answered_after) if answered_after else None,
            )
        )
    session.flush()
    figures = annual.figures(session, 2025).patrons
    rows = dict(figures.rows)
    assert rows["Received"] == 4 and rows["Answered"] == 3 and rows["Answered by the due date"] == 2
    assert rows["Withdrawn by the patron"] == 1
    assert figures.extra["median_days"] == 10.0 and figures.extra["longest_days"] == 40.0
    director = factories.user(session, "director")
    text = pdf_text(service.annual_report(session, director, 2025).pdf)
    assert "within 10.0 days" in text and "Answered by the due date 2" in text


def test_a_report_of_the_year_still_running_says_to_date(session, app_context):
    clock.freeze(factories.at(2026, 12, 2, 18))
    director = factories.user(session, "director")
    text = pdf_text(service.annual_report(session, director, 2026).pdf)
    assert "annual report 2026 to date" in text
    assert "the year to date: 1 January to 2 December" in text
    assert "31 December" not in text
