"""The Director's holds pages: place from a case, see what a hold covers, renew, release."""

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from disclosure import clock
from disclosure.holds.models import Hold
from disclosure.records import importer
from disclosure.retention import purge
from tests import factories as f
from tests.statements import page_and_statements

START = f.at(2026, 3, 2, 15)


def place(client, case, **fields):
    data = {
        "case_id": case.public_id,
        "requested_by": "Det. R. Vance, County Sheriff",
        "requested_on": "2026-03-02",
        "categories": ["loans", "computer_sessions"],
        "branch_id": 0,
    }
    data.update(fields)
    return client.submit("/holds/new", data, page=f"/holds/new?case={case.public_id}")


def test_placing_a_hold_from_a_case_shows_what_it_covers_per_kind(client, login_as, session):
    clock.freeze(START)
    director = login_as("director")
    patron = f.patron(session)
    f.loan(session, patron)
    f.loan(session, patron)
    case = f.held_case(session)
    session.commit()
    form = client.get(f"/holds/new?case={case.public_id}").get_data(as_text=True)
    assert f'<option selected value="{case.public_id}">{case.reference}' in form
    response = place(client, case, patron_cards=patron.card_number)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hold placed. It covers now: 2 × loans" in page
    assert 'Loans (circulation history)</td><td class="num">2</td>' in page
    assert "31 May 2026" in page  # 90 days from 2 March
    assert patron.card_number not in response.headers["Location"]
    timeline = page.split('id="timeline-h"', 1)[1]
    assert (
        "Preservation hold placed" in timeline
        and f"{director.full_name}</bdi> · 2 Mar 2026, 9:00 a.m." in timeline
    )
    assert (
        "Scope: named patrons. When placed it covered 2 records: Loans (circulation history): 2; "
        "Computer sign-up and session logs: 0."
    ) in unescape(timeline)


def test_what_a_hold_covers_is_shown_as_of_its_last_count_and_the_purge_counts_again(
    app, client, login_as, session
):
    """Counted when the hold changes, kept by each import and each purge, never by a page
    view."""
    clock.freeze(START)
    login_as("director")
    patron = f.patron(session)
    branch = f.branch(session)
    f.loan(session, patron, branch, days_ago=200, returned_days_ago=190)  # past retention
    case = f.held_case(session)
    session.commit()
    location = place(client, case, patron_cards=patron.card_number).headers["Location"]
    f.loan(session, patron, branch)  # written behind the app's back: no page view counts it
    session.commit()
    clock.freeze(START + timedelta(minutes=10))
    page = client.get(location).get_data(as_text=True)
    assert "As of 2 Mar 2026, 9:00 a.m." in page
    assert 'Loans (circulation history)</td><td class="num">1</td>' in page
    loan = {
        "card_number": patron.card_number,
        "branch_code": branch.code,
        "item_barcode": "31009999",
        "item_title": "Housekeeping",
        "checked_out_at": "2026-03-01T10:00",
        "due_at": "2026-03-22T10:00",
    }
    with app.app_context():
        importer.import_rows(session, importer.Sheet("loans", [(2, loan)], {}))
        session.commit()
    page = client.get(location).get_data(as_text=True)
    # the library's system added a loan of theirs: the import counted the hold's loans again
    assert 'Loans (circulation history)</td><td class="num">3</td>' in page
    clock.freeze(START + timedelta(minutes=20))
    purge.run_purge(session.connection())
    purge.recount_holds(session.connection())
    session.commit()
    page = client.get(location).get_data(as_text=True)
    assert "As of 2 Mar 2026, 9:20 a.m." in page  # the purge copied the old loan and deleted it
    assert 'Loans (circulation history)</td><td class="num">2</td>' in page


def test_a_hold_not_yet_counted_says_so(client, login_as, session):
    clock.freeze(START)
    director = login_as("director")
    hold = f.hold(session, placed_by=director)
    session.commit()
    page = client.get(f"/holds/{hold.public_id}").get_data(as_text=True)
    assert "Not counted yet: the next purge counts what this hold covers." in page


def test_a_refused_hold_says_why_beside_the_field_and_keeps_what_was_typed(
    client, login_as, session
):
    clock.freeze(START)
    login_as("director")
    case = f.held_case(session)
    session.commit()
    response = place(client, case, patron_cards="29999999999999")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="patron_cards-error">No patron has card number 29999999999999' in html
    assert "Det. R. Vance, County Sheriff" in html
    assert session.scalar(select(Hold.id)) is None


def test_renewing_past_180_days_is_refused_with_the_reason(client, login_as, session):
    clock.freeze(START)
    director = login_as("director")
    hold = f.hold(session, placed_by=director)
    session.commit()
    response = client.submit(
        f"/holds/{hold.public_id}/renew",
        {"requested_by": "Det. R. Vance", "requested_on": "2026-03-02", "days": 120},
        page=f"/holds/{hold.public_id}",
    )
    assert response.status_code == 422
    assert "180 days in all" in response.get_data(as_text=True)
    response = client.submit(
        f"/holds/{hold.public_id}/renew",
        {"requested_by": "Det. R. Vance", "requested_on": "2026-03-02", "days": 90},
        page=f"/holds/{hold.public_id}",
    )
    assert response.status_code == 302
    page = client.get(f"/holds/{hold.public_id}").get_data(as_text=True)
    assert "renewed once already" in page and "Det. R. Vance" in page


def test_releasing_needs_a_reason_and_moves_the_hold_to_released(client, login_as, session):
    clock.freeze(START)
    director = login_as("director")
    hold = f.hold(session, placed_by=director)
    session.commit()
    refused = client.submit(
        f"/holds/{hold.public_id}/release", {"reason": ""}, page=f"/holds/{hold.public_id}"
    )
    assert refused.status_code == 422 and "Give the reason" in refused.get_data(as_text=True)
    client.submit(
        f"/holds/{hold.public_id}/release",
        {"reason": "Agency withdrew the request."},
        page=f"/holds/{hold.public_id}",
    )
    index = client.get("/holds").get_data(as_text=True)
    released = index[index.index('id="released-h"') :]
    assert f"Case {hold.case.reference}" in released


def test_the_holds_list_sorts_active_expiring_expired_and_released(client, login_as, session):
    clock.freeze(START)
    director = login_as("director")
    soon = f.hold(session, placed_by=director, requested_at=START - timedelta(days=80))
    old = f.hold(session, placed_by=director, requested_at=START - timedelta(days=100))
    session.commit()
    html = client.get("/holds").get_data(as_text=True)
    expiring = html[html.index('id="expiring-h"') : html.index('id="active-h"')]
    expired = html[html.index('id="expired-h"') : html.index('id="released-h"')]
    assert f"Case {soon.case.reference}" in expiring and f"Case {old.case.reference}" in expired
    assert f"Case {old.case.reference}" not in expiring


def test_a_case_the_user_may_not_see_cannot_take_a_hold(client, login_as, session, app):
    """Holds hang off cases: the form lists only visible cases (cases.visibility)."""
    clock.freeze(START)
    login_as("director")
    case = f.held_case(session, gagged=True)
    session.commit()
    assert f'value="{case.public_id}"' in client.get("/holds/new").get_data(
        as_text=True
    )  # the Director sees all
    assert client.get("/holds/" + "N" * 16).status_code == 404  # a public id no hold has


def test_the_form_names_cases_by_public_id_and_a_database_id_places_nothing(
    client, login_as, session
):
    """A case's database id would count cases, gagged ones too (docs/rules.md
    R-addresses-count-nothing): the form's list offers and takes public ids only."""
    clock.freeze(START)
    login_as("director")
    case = f.held_case(session)
    session.commit()
    form = client.get("/holds/new").get_data(as_text=True)
    offered = re.findall(r'<option (?:selected )?value="([^"]*)"', form.split('name="case_id"')[1])
    assert case.public_id in offered and str(case.id) not in offered
    refused = place(client, case, case_id=case.id)
    assert refused.status_code == 200
    assert session.scalar(select(Hold).where(Hold.case_id == case.id)) is None
    assert place(client, case).status_code == 302
    assert session.scalar(select(Hold).where(Hold.case_id == case.id)) is not None


def test_the_director_home_shows_holds_ending_soon_and_the_last_purge(client, login_as, session):
    clock.freeze(START)
    director = login_as("director")
    hold = f.hold(session, placed_by=director, requested_at=START - timedelta(days=85))
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Holds ending within 14 days" in html and f"Case {hold.case.reference}" in html
    assert "No purge has run yet" in html


def test_cards_and_codes_are_typed_one_per_line_or_between_commas(client, login_as, session):
    clock.freeze(START)
    login_as("director")
    first, second = f.patron(session), f.patron(session)
    f.loan(session, first)
    f.loan(session, second)
    case = f.held_case(session)
    session.commit()
    refused = place(client, case, patron_cards=first.card_number, workstation_codes="HQ PC 03")
    assert 'id="workstation_codes-error">No public computer is called HQ PC 03.' in unescape(
        refused.get_data(as_text=True)
    )
    placed = place(client, case, patron_cards=f"{first.card_number},\r\n {second.card_number}\n")
    page = client.get(placed.headers["Location"]).get_data(as_text=True)
    assert "Hold placed. It covers now: 2 × loans" in page


def test_each_view_of_a_hold_page_is_audited_and_its_timeline_folds_them(client, login_as, session):
    login_as("director")
    hold = f.hold(session, f.held_case(session))
    session.commit()
    for _ in range(3):
        assert client.get(f"/holds/{hold.public_id}").status_code == 200
    page = unescape(client.get(f"/holds/{hold.public_id}").get_data(as_text=True))
    assert page.count("Hold page viewed") == 1
    assert "4 times in all" in page


def _statements_of(app, client, url):
    page, statements = page_and_statements(app, client, url)
    return page, len(statements)


def _varied_holds(session, director, n):
    for i in range(n):
        kind = i % 3
        f.hold(
            session,
            placed_by=director,
            patrons=[f.patron(session)] if kind == 0 else (),
            workstations=[f.workstation(session)] if kind == 1 else (),
            categories=("computer_sessions",) if kind == 1 else ("loans", "computer_sessions"),
        )


def test_the_holds_list_reads_the_same_statements_for_two_holds_as_for_nine(
    app, client, login_as, session
):
    clock.freeze(START)
    director = login_as("director")
    _varied_holds(session, director, 2)
    session.commit()
    _, few = _statements_of(app, client, "/holds")
    _varied_holds(session, director, 7)
    session.commit()
    page, many = _statements_of(app, client, "/holds")
    assert page.count("holds-table") >= 1 and "1 patron" in page
    assert many == few


def test_expired_holds_are_listed_a_page_at_a_time_newest_first(client, login_as, session):
    clock.freeze(START)
    director = login_as("director")
    ended = [
        f.hold(session, placed_by=director, requested_at=START - timedelta(days=200 - i))
        for i in range(27)
    ]
    session.commit()
    first = client.get("/holds").get_data(as_text=True)
    expired = first[first.index('id="expired-h"') : first.index('id="released-h"')]
    assert '<span class="count">27</span>' in expired
    assert f"Case {ended[-1].case.reference}<" in expired  # the most recent ending first
    assert f"Case {ended[0].case.reference}<" not in expired
    assert "page 1 of 2" in expired and "expired_page=2" in expired
    second = client.get("/holds?expired_page=2").get_data(as_text=True)
    expired = second[second.index('id="expired-h"') : second.index('id="released-h"')]
    assert f"Case {ended[0].case.reference}<" in expired
    assert f"Case {ended[-1].case.reference}<" not in expired
    assert expired.count("holds.detail") == 0 and expired.count('href="/holds/') == 2
