"""Patrons' e-mails carry no personal data, only "sign in to see" (docs/rules.md
R-patron-email-no-data): the request received, the report ready, printed at the desk, and the
download ending soon (a reminder two days before, sent once)."""

from __future__ import annotations

import dataclasses
import email
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import select

from disclosure import clock, jobs
from disclosure.db import db
from disclosure.patrons import mail
from disclosure.patrons.models import PatronEmail
from tests import factories
from tests.bystander import sending_twice_while_writing
from tests.patrons.steps import ask, latest_request, sign_in_patron, verify

TITLE = "Coping With Debt: A Family Guide"


def _smtp(app, controller):
    return dataclasses.replace(
        app.config["SETTINGS"],
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_starttls=False,
        base_url="https://records.library.invalid",
    )


def _send(app) -> None:
    jobs.run_job(app, jobs.job_named(app, "send-patron-email"))


def _messages(session, patron) -> list[str]:
    return list(
        session.scalars(
            select(PatronEmail.message)
            .where(PatronEmail.patron_id == patron.id)
            .order_by(PatronEmail.id)
        )
    )


def test_each_patron_email_says_only_sign_in_to_see(app, client, session, login_as, smtp_server):
    controller, handler = smtp_server
    patron = factories.patron(session, name="Zelda Quenby", birth_year=1977)
    factories.loan(session, patron, item_title=TITLE)
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    request = latest_request(session, patron)
    clerk = factories.user(session, "staff")
    verify(app, session, request, staff=clerk)
    desk = app.test_client()
    login_as("staff", clerk, the_client=desk)  # who checked the ID prints (R-desk-print)
    assert desk.get(f"/desk/patron-requests/{request.public_id}/report.pdf").status_code == 200
    clock.freeze(request.download_until - timedelta(days=1))
    jobs.run_job(app, jobs.job_named(app, "patron-download-reminders"))
    jobs.run_job(app, jobs.job_named(app, "patron-download-reminders"))  # safe to run twice
    assert _messages(session, patron) == [
        "request_received",
        "report_ready",
        "report_printed",
        "download_ending",
    ]

    original = app.config["SETTINGS"]
    app.config["SETTINGS"] = _smtp(app, controller)
    try:
        _send(app)
        _send(app)  # each is sent once
    finally:
        app.config["SETTINGS"] = original
    assert len(handler.messages) == 4
    personal = [
        patron.name,
        "Zelda",
        "Quenby",
        patron.card_number,
        TITLE,
        "Coping",
        "1977",
        request.reference,
        patron.address,
    ]
    for envelope in handler.messages:
        sent = email.message_from_bytes(envelope.content, policy=policy.default)
        subject, body = sent["Subject"], sent.get_body(("plain",)).get_content()
        assert envelope.rcpt_tos == [patron.email]
        assert "https://records.library.invalid/patron" in body
        for data in personal:
            assert data not in subject and data not in body, (data, subject)


def test_an_address_removed_from_the_card_gets_nothing(app, client, session, smtp_server):
    controller, handler = smtp_server
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    client.submit("/patron/email/remove", {"confirmed": "yes"}, page="/patron")
    original = app.config["SETTINGS"]
    app.config["SETTINGS"] = _smtp(app, controller)
    try:
        _send(app)
    finally:
        app.config["SETTINGS"] = original
    assert handler.messages == []
    with app.app_context():
        kept = db.session.scalars(
            select(PatronEmail.email_error).where(PatronEmail.patron_id == patron.id)
        ).all()
    assert kept == ["no address on the card"]


def test_a_patron_without_an_address_is_sent_nothing(app, client, session):
    patron = factories.patron(session, email=None)
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    assert _messages(session, patron) == []


@pytest.mark.committing
def test_each_patron_email_goes_once_while_the_library_goes_on_writing(fresh_app, smtp_server):
    """Others commit after each read the outbox makes outside the write lock, and while the
    server takes each message (not waiting for the lock: the job must not hold it then): every
    waiting e-mail goes once, is marked sent, and a second run sends nothing
    (tests/bystander.py)."""
    controller, handler = smtp_server
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        patrons = [factories.patron(s) for _ in range(3)]
        for patron in patrons:
            mail.tell(s, patron, "request_received")
            mail.tell(s, patron, "report_ready")
        bystander_id = factories.patron(s).id
        s.commit()
        waiting = sorted(patron.email for patron in patrons for _ in range(2))
    fresh_app.config["SETTINGS"] = _smtp(fresh_app, controller)
    recipients, committed = sending_twice_while_writing(
        fresh_app, handler, bystander_id, lambda: _send(fresh_app)
    )
    assert recipients == waiting
    assert committed == len(waiting)  # nobody waited for the lock while a message went
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        rows = s.execute(select(PatronEmail.emailed_at, PatronEmail.email_error)).all()
    assert len(rows) == len(waiting)
    assert all(emailed_at is not None and error is None for emailed_at, error in rows)
