"""Sessions end on their own: staff after 15 idle minutes, patrons after 10, anyone after 12
hours; the CSRF token is new at each sign-in."""

from __future__ import annotations

from datetime import timedelta

from disclosure import clock
from tests import factories
from tests.patrons.steps import sign_in_patron

START = factories.at(2026, 3, 2, 15)


def _later(**delta) -> None:
    clock.freeze(START + timedelta(**delta))


def test_a_staff_session_ends_after_fifteen_idle_minutes(client, session, login_as):
    clock.freeze(START)
    login_as("staff")
    _later(minutes=14)
    assert client.get("/").status_code == 200
    _later(minutes=14 + 15, seconds=1)
    ended = client.get("/", follow_redirects=True)
    page = ended.get_data(as_text=True)
    assert "You were signed out after 15 minutes without activity" in page
    assert ended.request.path == "/login"
    assert client.get("/intake").status_code in (302, 404)


def test_activity_keeps_a_session_but_not_past_twelve_hours(client, session, login_as):
    clock.freeze(START)
    login_as("director")
    for minutes in range(10, 12 * 60, 10):
        _later(minutes=minutes)
        assert client.get("/").status_code == 200
    _later(hours=12, minutes=1)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "a session lasts at most 12 hours" in page


def test_a_patron_session_ends_after_ten_idle_minutes(client, session):
    clock.freeze(START)
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    _later(minutes=9)
    assert client.get("/patron").status_code == 200
    _later(minutes=9 + 10, seconds=1)
    ended = client.get("/patron", follow_redirects=True)
    assert ended.request.path == "/patron/login"
    assert "You were signed out after 10 minutes without activity" in ended.get_data(as_text=True)


def test_stay_signed_in_counts_as_activity(client, session, login_as):
    clock.freeze(START)
    login_as("staff")
    token = client.csrf_token("/")
    _later(minutes=14)
    kept = client.post("/session/keep", headers={"X-CSRFToken": token})
    assert kept.status_code == 204
    _later(minutes=28)
    assert client.get("/").status_code == 200


def test_the_page_carries_the_warning_and_its_idle_time(client, session, login_as):
    login_as("staff")
    page = client.get("/").get_data(as_text=True)
    assert 'id="session-warning"' in page and 'data-idle-seconds="900"' in page
    assert "you will be signed out in one minute unless you go on" in page


def test_the_csrf_token_is_new_at_each_sign_in(client, session):
    user = factories.user(session, "staff")
    session.commit()
    before = client.csrf_token("/login")
    client.post(
        "/login",
        data={"csrf_token": before, "username": user.username, "password": factories.PASSWORD},
    )
    after = client.csrf_token("/")
    assert client.post("/session/keep", headers={"X-CSRFToken": before}).status_code == 400
    assert client.post("/session/keep", headers={"X-CSRFToken": after}).status_code == 204


def test_a_pages_own_progress_polls_do_not_keep_a_session_alive(client, session):
    from tests.patrons.steps import ask, latest_request

    clock.freeze(START)
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    request = latest_request(session, patron)
    for minutes in (4, 8):
        _later(minutes=minutes)
        assert client.get(f"/patron/requests/{request.public_id}/progress").status_code == 200
    _later(minutes=10, seconds=1)
    ended = client.get("/patron", follow_redirects=True)
    assert ended.request.path == "/patron/login"
