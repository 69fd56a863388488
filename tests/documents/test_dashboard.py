"""The Director's dashboard pieces from the documents area: deadlines this week and requests per
month."""

from __future__ import annotations

from datetime import date, timedelta

from disclosure import clock
from disclosure.documents import dashboard
from tests import factories

TODAY = factories.at(2026, 3, 10, 15)  # a Tuesday, 10 a.m. at the library


def test_deadlines_this_week_show_what_is_due_soon_and_what_was_missed(session, app_context):
    clock.freeze(TODAY)
    director = factories.user(session, "director")
    soon = factories.documents_case(session, return_date=date(2026, 3, 13))
    later = factories.documents_case(session, return_date=date(2026, 3, 30))
    missed = factories.documents_case(
        session, kind="exigent", return_date=None, paperwork_due_at=factories.at(2026, 3, 9, 22)
    )
    closed = factories.documents_case(session, return_date=date(2026, 3, 12), closed_at=clock.now())
    counsel_due = factories.documents_case(
        session, return_date=None, counsel_due_on=date(2026, 3, 17)
    )
    found = dashboard.deadlines_this_week(session, director)
    assert [(d.case.id, d.overdue) for d in found] == [
        (missed.id, True),
        (soon.id, False),
        (counsel_due.id, False),
    ]
    assert later.id not in {d.case.id for d in found} and closed.id not in {
        d.case.id for d in found
    }
    assert found[1].what == "Return date (subpoena)" and found[1].days_left == 3


def test_counsel_sees_no_deadline_of_a_case_not_assigned(session, app_context):
    clock.freeze(TODAY)
    counsel = factories.user(session, "counsel")
    factories.documents_case(session, return_date=date(2026, 3, 13))
    mine = factories.documents_case(session, return_date=date(2026, 3, 12), counsel_id=counsel.id)
    assert [d.case.id for d in dashboard.deadlines_this_week(session, counsel)] == [mine.id]


def test_requests_per_month_cover_the_past_twelve_months(session, app_context):
    clock.freeze(TODAY)
    director = factories.user(session, "director")
    for received in (
        factories.at(2026, 3, 2),
        factories.at(2026, 3, 9),
        factories.at(2025, 4, 20),
        factories.at(2025, 3, 31),
    ):  # the last is a year ago: outside the chart
        factories.documents_case(session, received_at=received)
    points = dashboard.requests_per_month(session, director)
    assert len(points) == 12 and points[0] == ("Apr", 1) and points[-1] == ("Mar", 2)
    assert ("Jan 26", 0) in points


def test_the_director_home_page_shows_the_dashboard_panels(client, login_as, session):
    login_as("director")
    factories.documents_case(session, return_date=clock.today() + timedelta(days=2))
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Deadlines this week" in html and "Return date (subpoena)" in html
    assert "Requests per month, past year" in html and "<svg" in html
