"""Patrons sign in with the PIN the library's own system knows, asked over SIP2."""

from __future__ import annotations

import contextlib
import dataclasses

import pytest
from sqlalchemy import select

from disclosure.auth.models import SignInLock
from disclosure.patrons.service import NO_MATCH, SIP2_DOWN
from tests import factories
from tests.patrons.sip2_server import Sip2Server
from tests.patrons.steps import sign_in_patron

ILS_PIN = "7391"


@pytest.fixture
def ils(session):
    """The library's system: knows one patron (PIN 7391) and the app's SIP2 account."""
    patron = factories.patron(session)
    session.commit()
    server = Sip2Server(
        patrons={patron.card_number: (ILS_PIN, patron.name)}, accounts={"disclosure": "s3cret"}
    )
    server.start()
    try:
        yield server, patron
    finally:
        server.stop()


@contextlib.contextmanager
def sip2_configured(app, port: int):
    settings = app.config["SETTINGS"]
    app.config["SETTINGS"] = dataclasses.replace(
        settings,
        sip2_host="127.0.0.1",
        sip2_port=port,
        sip2_login="disclosure",
        sip2_password="s3cret",
        sip2_institution="JCL",
    )
    try:
        yield
    finally:
        app.config["SETTINGS"] = settings


def test_with_sip2_the_portal_takes_the_pin_the_library_system_knows(app, client, ils):
    server, patron = ils
    with sip2_configured(app, server.port):
        answer = sign_in_patron(client, patron, pin=ILS_PIN)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/patron")
    login, information = server.received
    assert login.startswith("9300CNdisclosure|COs3cret|")
    assert f"|AA{patron.card_number}|" in information and f"|AD{ILS_PIN}|" in information


def test_with_sip2_a_wrong_pin_is_refused_even_the_one_kept_here(app, client, session, ils):
    server, patron = ils
    with sip2_configured(app, server.port):
        wrong = sign_in_patron(client, patron, pin="0000")
        local_pin = sign_in_patron(client, patron, pin=factories.PIN)
    for answer in (wrong, local_pin):
        assert answer.status_code == 200
        assert NO_MATCH in answer.get_data(as_text=True)
    assert client.get("/patron").status_code == 302  # still signed out


def test_with_the_sip2_server_stopped_the_patron_is_told_plainly_and_nothing_counts(
    app, client, session, ils
):
    server, patron = ils
    port = server.port
    server.stop()
    with sip2_configured(app, port):
        answer = sign_in_patron(client, patron, pin=ILS_PIN)
    assert answer.status_code == 200
    assert SIP2_DOWN.replace("'", "&#39;") in answer.get_data(as_text=True)
    assert session.scalars(select(SignInLock)).all() == []


def test_a_wrong_sip2_account_is_a_system_fault_not_a_wrong_pin(app, client, session, ils):
    server, patron = ils
    server.accounts["disclosure"] = "rotated"
    with sip2_configured(app, server.port):
        answer = sign_in_patron(client, patron, pin=ILS_PIN)
    assert SIP2_DOWN.replace("'", "&#39;") in answer.get_data(as_text=True)


def test_an_answer_with_a_bad_checksum_is_never_taken_for_a_yes(session):
    import socket
    import threading

    from disclosure import clock
    from disclosure.patrons import sip2

    listener = socket.create_server(("127.0.0.1", 0))
    forged = "64" + " " * 14 + "001" + "20261202    093000" + "0000" * 6 + "BLY|CQY|AY1AZFFFF\r"

    def answer_once():
        connection, _ = listener.accept()
        with connection:
            connection.recv(1024)
            connection.sendall(forged.encode())

    threading.Thread(target=answer_once, daemon=True).start()
    client = sip2.Sip2Client(sip2.Sip2Settings(host="127.0.0.1", port=listener.getsockname()[1]))
    try:
        with pytest.raises(sip2.Sip2Unavailable, match="checksum"):
            client.check_patron("21000000000001", ILS_PIN, clock.now())
    finally:
        listener.close()
