"""Finding cases: the staff search and the Director's archive (cases/search.py), through the
one visibility rule (docs/rules.md R-gag-invisible, R-counsel-sees-assigned)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from disclosure import clock
from disclosure.audit.models import AuditEvent
from disclosure.cases import deadlines, search, service
from tests import factories


def _found(session, user, text) -> list:
    return list(session.scalars(search.search(session, user, text)))


@pytest.fixture
def people(session):
    return {
        "director": factories.user(session, "director"),
        "counsel": factories.user(session, "counsel"),
        "other_counsel": factories.user(session, "counsel"),
        "clerk": factories.user(session, "staff"),
        "admin": factories.user(session, "admin"),
    }


def test_search_finds_a_case_by_each_thing_it_searches(people, session, app_context):
    director = people["director"]
    patron = factories.patron(session)
    case = factories.case(
        session,
        officer_name="Det. Riley Marsh",
        officer_agency="Hillsboro Police Department",
        officer_badge="B-7781",
        docket_number="26HB-CV00991",
        records_sought="Loans of the atlas of Missouri",
        patron_cards=[patron.card_number],
        workstation_codes=[factories.workstation(session).code],
    )
    factories.case(session, docket_number="OTHER-1", officer_name="Someone Else")
    computer = case.subjects[-1].value
    for typed in (
        case.reference,
        "26hb-cv00991",  # any letter case
        "hillsboro",
        "Riley Marsh",
        "B-7781",
        patron.card_number,
        computer,
        "atlas missouri",  # every word, in any order
    ):
        assert _found(session, director, typed) == [case], typed
    assert _found(session, director, "atlas Chicago") == []  # every word must be found
    assert _found(session, director, "%") == []  # a wildcard is a character like any other
    assert _found(session, director, "   ") == []


def test_nobody_finds_a_case_they_may_not_see(people, session, app_context):
    counsel, other = people["counsel"], people["other_counsel"]
    case = factories.case(session, docket_number="26JE-CR04242")
    service.assign_counsel(session, people["director"], case, counsel, clock.today())
    gagged = factories.case(session, "nsl", docket_number="26JE-CR04242-NSL")
    assert {c.id for c in _found(session, people["director"], "26JE-CR04242")} == {
        case.id,
        gagged.id,
    }
    assert _found(session, counsel, "26JE-CR04242") == [case]  # assigned; the NSL is not theirs
    for someone in (other, people["clerk"], people["admin"]):
        assert _found(session, someone, "26JE-CR04242") == [], someone.role


def test_the_search_page_lists_what_the_director_finds_and_keeps_words_out_of_the_address(
    people, session, client, login_as
):
    case = factories.case(session, docket_number="26JE-CR07777")
    login_as("director", people["director"])
    page = client.get("/search")
    assert page.status_code == 200
    response = client.submit("/search", {"q": "26je-cr07777"}, page="/search")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 case found" in html and case.reference in html
    assert 'value="26je-cr07777"' in html  # the box keeps what was typed
    assert client.get("/search?q=26JE-CR07777").get_data(as_text=True).count(case.reference) == 0


def test_counsel_not_assigned_finds_nothing_on_the_search_page(people, session, client, login_as):
    case = factories.case(session, docket_number="26JE-CR08888")
    login_as("counsel", people["other_counsel"])
    html = client.submit("/search", {"q": "26JE-CR08888"}, page="/search").get_data(as_text=True)
    assert "0 cases found" in html and case.reference not in html


def test_search_results_come_a_page_at_a_time(people, session, client, login_as):
    for _ in range(53):
        factories.case_row(session, docket_number="PAGED-1")
    login_as("director", people["director"])
    first = client.submit("/search", {"q": "paged-1"}, page="/search").get_data(as_text=True)
    assert "53 cases found" in first and "1–50 of 53" in first
    second = client.submit("/search", {"q": "paged-1", "page": "2"}, page="/search")
    assert "51–53 of 53" in second.get_data(as_text=True)


# ---- the archive ----------------------------------------------------------------------------


def test_archive_deadline_states_agree_with_the_case_page(people, session, app_context):
    director = people["director"]
    today = clock.today()
    late = factories.case(session, return_date=today - timedelta(days=1))
    soon = factories.case(session, return_date=today + timedelta(days=3))
    later = factories.case(session, return_date=today + timedelta(days=30))
    informal = factories.case(session, "informal")
    closed = factories.case_row(session, return_date=today - timedelta(days=9))
    mine = {late.id, soon.id, later.id, informal.id, closed.id}

    def state(name):
        query = search.archive(session, director, search.Filters(deadline=name))
        return {c.id for c in session.scalars(query)} & mine

    assert state("overdue") == {late.id} == {c for c in mine if _overdue(session, c)}
    assert state("soon") == {soon.id}
    assert state("pending") == {late.id, soon.id, later.id}
    assert state("none") == {informal.id, closed.id}


def _overdue(session, case_id):
    from disclosure.cases.models import Case

    return deadlines.is_overdue(session.get(Case, case_id))


def test_archive_filters_order_and_pages(people, session, client, login_as):
    director, counsel = people["director"], people["counsel"]
    for n in range(55):
        factories.case_row(session, kind="subpoena", officer_agency=f"Agency {n:02d}")
    warrant = factories.case_row(session, kind="search_warrant", decision="comply")
    warrant.counsel_id = counsel.id
    session.commit()
    login_as("director", director)
    html = client.get("/cases/all?kind=search_warrant").get_data(as_text=True)
    assert warrant.reference in html and "Agency 00" not in html
    html = client.get(f"/cases/all?counsel={counsel.id}&decision=comply").get_data(as_text=True)
    assert warrant.reference in html and "1–1 of 1" in html
    by_agency = client.get("/cases/all?kind=subpoena&sort=agency&order=asc").get_data(as_text=True)
    assert "1–50 of 55" in by_agency and "Agency 00" in by_agency and "Agency 54" not in by_agency
    assert 'aria-sort="ascending"' in by_agency
    last = client.get("/cases/all?kind=subpoena&sort=agency&order=asc&page=2")
    assert "Agency 54" in last.get_data(as_text=True) and "51–55 of 55" in last.get_data(
        as_text=True
    )
    past_the_end = client.get("/cases/all?kind=subpoena&page=99999999999999999999")
    assert "51–55 of 55" in past_the_end.get_data(as_text=True)
    nonsense = client.get("/cases/all?kind=nonsense&year=abc&page=x")
    assert nonsense.status_code == 200 and "Not a valid choice" in nonsense.get_data(as_text=True)


def test_archive_csv_has_every_page_neutralises_formulas_and_is_audited(
    people, session, client, login_as
):
    director = people["director"]
    for _ in range(60):
        factories.case_row(session, kind="court_order")
    factories.case_row(session, kind="court_order", officer_agency="=HYPERLINK(1)")
    login_as("director", director)
    response = client.get("/cases/all.csv?kind=court_order")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(search.CSV_HEADER) and len(rows) == 62
    assert "'=HYPERLINK(1)" in [row[3] for row in rows]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "cases.exported"))
    assert event.detail == "61 case(s)" and event.actor_user_id == director.id
