"""Every list that grows comes a page at a time (disclosure/web/paging.py and the pager of
templates/macros/paging.html): notifications, purge history, staff accounts, holds, patrons'
requests and consents."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from disclosure import clock
from disclosure.auth.models import User
from disclosure.notify import service as notify
from disclosure.patrons import service as patrons
from disclosure.retention.models import PurgeRun
from disclosure.web import paging
from tests import factories
from tests.patrons.test_consent import PNG


def test_a_page_past_the_end_or_not_a_number_shows_the_nearest_page(app, session):
    users = select(User).order_by(User.id)
    for _ in range(7):
        factories.user(session, "staff")
    total = len(session.scalars(users).all())
    for nonsense in ("abc", "0", "-2", "%C2%B2", "1.5"):
        with app.test_request_context(f"/?page={nonsense}"):
            assert paging.page_number() == 1, nonsense
    with app.test_request_context("/?page=abc"):
        first = paging.paginate(session, users, per_page=3)
        assert first.number == 1 and first.first_shown == 1 and len(first.items) == 3
    with app.test_request_context("/?page=" + "9" * 5001):
        last = paging.paginate(session, users, per_page=3)
        assert last.number == last.pages == -(-total // 3)
        assert last.last_shown == total and not last.has_next and last.has_previous


def test_notifications_come_fifty_to_a_page(session, client, login_as):
    director = login_as("director")
    for n in range(55):
        notify.notify(session, director, f"Note number {n:02d}")
    session.commit()
    first = client.get("/notifications/").get_data(as_text=True)
    assert "1–50 of 55" in first and "Note number 54" in first and "Note number 04" not in first
    assert 'rel="next"' in first and "Mark all as read" in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "51–55 of 55" in second and "Note number 00" in second
    assert "Mark all as read" in second  # the unread notes of page 1 still count


def test_purge_history_comes_twenty_runs_to_a_page(session, client, login_as):
    start = clock.now() - timedelta(days=30)
    session.execute(
        insert(PurgeRun),
        [
            dict(
                started_at=start + timedelta(days=d),
                heartbeat_at=start + timedelta(days=d),
                status="finished",
                trigger="scheduler",
            )
            for d in range(25)
        ],
    )
    login_as("director")
    first = client.get("/retention/purges").get_data(as_text=True)
    assert "1–20 of 25" in first and first.count('class="card purge-run"') == 20
    second = client.get("/retention/purges?page=2").get_data(as_text=True)
    assert "21–25 of 25" in second and second.count('class="card purge-run"') == 5


def test_each_list_of_the_holds_page_pages_on_its_own(session, client, login_as):
    login_as("director")
    for _ in range(27):
        factories.hold(session)
    session.commit()
    html = client.get("/holds").get_data(as_text=True)
    assert "1–25 of 27" in html and "?active_page=2" in html  # holds.views.HOLDS_PER_PAGE
    second = client.get("/holds?active_page=2").get_data(as_text=True)
    assert "26–27 of 27" in second


def test_the_patron_desk_lists_page_on_their_own(app, session, client, login_as):
    clerk = factories.user(session, "staff")
    with app.app_context():  # the request's own context, not this one, signs the clerk in
        for _ in range(51):
            card = factories.patron(session).card_number
            patrons.log_desk_request(session, clerk, card_number=card, proof="scan", scan=PNG)
    login_as("staff", clerk)
    html = client.get("/desk/patron-requests").get_data(as_text=True)
    assert "1–50 of 51" in html and "?waiting_page=2" in html
