"""Sign-in limits that hold across processes: a staff account locks after 10 failures whatever
the address; one address tries at most 20 different cards an hour; every count is in the
database, so two workers see the same."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from disclosure import clock
from disclosure.auth.models import SignInLock
from disclosure.db import db
from disclosure.notify.models import Notification
from tests import factories
from tests.conftest import Client, committed_app, make_app
from tests.patrons.steps import sign_in_patron

WRONG = "not-the-password"


def _sign_in(client, username: str, password: str, address: str = "192.0.2.10"):
    return client.submit(
        "/login",
        {"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_eleventh_wrong_password_refuses_even_the_right_one(client, session):
    clock.freeze(factories.at(2026, 3, 2, 15))
    clerk = factories.user(session, "staff")
    director = factories.user(session, "director")
    session.commit()
    for attempt in range(10):
        # from ten different addresses: the lock is the account's, not an address's
        answer = _sign_in(client, clerk.username, WRONG, address=f"192.0.2.{attempt + 1}")
        assert answer.status_code == 200
    refused = _sign_in(client, clerk.username, factories.PASSWORD, address="198.51.100.9")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Too many failed sign-ins with this username. Try again after 9:15 a.m." in page
    told = session.scalars(
        select(Notification).where(Notification.recipient_id.in_([clerk.id, director.id]))
    ).all()
    assert {n.recipient_id for n in told} == {clerk.id, director.id}
    assert all(f"account no. {clerk.id}" in n.body and clerk.full_name not in n.body for n in told)


def test_the_lock_ends_after_fifteen_minutes(client, session):
    clock.freeze(factories.at(2026, 3, 2, 15))
    clerk = factories.user(session, "staff")
    session.commit()
    for _ in range(10):
        _sign_in(client, clerk.username, WRONG)
    clock.freeze(factories.at(2026, 3, 2, 15) + timedelta(minutes=15, seconds=1))
    assert _sign_in(client, clerk.username, factories.PASSWORD).status_code == 302


def test_an_unknown_username_locks_the_same_way(client, session):
    for _ in range(10):
        _sign_in(client, "nobody-here", WRONG)
    page = _sign_in(client, "nobody-here", WRONG).get_data(as_text=True)
    assert "Too many failed sign-ins with this username." in page


def test_nine_failures_then_the_right_password_signs_in_and_forgets_them(client, session):
    clerk = factories.user(session, "staff")
    session.commit()
    for _ in range(9):
        _sign_in(client, clerk.username, WRONG)
    assert _sign_in(client, clerk.username, factories.PASSWORD).status_code == 302
    assert session.scalars(select(SignInLock)).all() == []


def test_the_twenty_first_card_from_one_address_is_refused(client, session):
    patrons = [factories.patron(session) for _ in range(21)]
    session.commit()
    for patron in patrons[:20]:
        answer = client.submit(
            "/patron/login",
            {"card_number": patron.card_number, "pin": "0000"},
            environ_base={"REMOTE_ADDR": "203.0.113.5"},
        )
        assert "Too many different card numbers" not in answer.get_data(as_text=True)
    last = client.submit(
        "/patron/login",
        {"card_number": patrons[20].card_number, "pin": factories.PIN},
        environ_base={"REMOTE_ADDR": "203.0.113.5"},
    )
    assert "Too many different card numbers have been tried from this computer" in (
        last.get_data(as_text=True)
    )
    # another address is not held back, and the same address may still retry a card it tried
    other = client.submit(
        "/patron/login",
        {"card_number": patrons[20].card_number, "pin": factories.PIN},
        environ_base={"REMOTE_ADDR": "203.0.113.6"},
    )
    assert other.status_code == 302
    client.post("/logout", data={"csrf_token": client.csrf_token("/patron")})
    again = client.submit(
        "/patron/login",
        {"card_number": patrons[0].card_number, "pin": factories.PIN},
        environ_base={"REMOTE_ADDR": "203.0.113.5"},
    )
    assert again.status_code == 302


def test_two_workers_share_the_count(backend, server_for):
    """Two apps on one database stand for two gunicorn workers: five failures through each lock
    the account for both."""
    with committed_app(backend, server_for(backend)) as first:
        second = make_app(first.config["DATABASE_URL"])
        second.test_client_class = Client
        try:
            with first.app_context():
                clerk = factories.user(db.session, "staff")
                db.session.commit()
                username = clerk.username
            one, two = first.test_client(), second.test_client()
            for _ in range(5):
                _sign_in(one, username, WRONG)
                _sign_in(two, username, WRONG)
            page = _sign_in(one, username, factories.PASSWORD).get_data(as_text=True)
            assert "Too many failed sign-ins with this username." in page
        finally:
            db.engine_for(second).dispose()


def test_a_patron_card_still_locks_after_five_failures(client, session):
    patron = factories.patron(session)
    session.commit()
    for _ in range(5):
        sign_in_patron(client, patron, pin="0000")
    page = sign_in_patron(client, patron).get_data(as_text=True)
    assert "Too many attempts with this card number." in page
