"""Notifications: the outbox always, e-mail when SMTP is configured, an inbox for each user."""

import dataclasses

import pytest
from sqlalchemy import select

from disclosure import jobs
from disclosure.auth.models import User
from disclosure.db import db
from disclosure.notify import service
from disclosure.notify.models import Notification
from tests import factories
from tests.bystander import sending_twice_while_writing


def test_outbox_is_emailed_once_when_smtp_is_configured(app, session, smtp_server):
    controller, handler = smtp_server
    director = factories.user(session, "director", email="director@library.invalid")
    service.notify(
        session,
        director,
        "A new subpoena needs your attention",
        "Reference 2026-0001.",
        link="/cases/1",
    )
    session.commit()
    original = app.config["SETTINGS"]
    app.config["SETTINGS"] = dataclasses.replace(
        original,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_starttls=False,
        base_url="https://records.library.invalid",
    )
    try:
        with app.app_context():
            from disclosure.db import db

            assert service.send_pending_email(db.session) == 1
            db.session.commit()
            assert service.send_pending_email(db.session) == 0  # safe to run twice
    finally:
        app.config["SETTINGS"] = original
    assert len(handler.messages) == 1
    message = handler.messages[0]
    assert message.rcpt_tos == ["director@library.invalid"]
    text = message.content.decode()
    assert "Subject: A new subpoena needs your attention" in text
    assert "https://records.library.invalid/cases/1" in text
    assert (
        session.scalar(
            select(Notification.emailed_at).where(Notification.recipient_id == director.id)
        )
        is not None
    )


def test_without_smtp_nothing_is_sent_and_the_outbox_keeps_the_row(app, session):
    director = factories.user(session, "director")
    service.notify(session, director, "Something")
    session.commit()
    with app.app_context():
        from disclosure.db import db

        assert service.send_pending_email(db.session) == 0
    assert (
        session.scalar(
            select(Notification.emailed_at).where(Notification.recipient_id == director.id)
        )
        is None
    )


def test_each_user_reads_only_their_own_notifications(client, session, login_as):
    me = login_as("director")
    other = factories.user(session, "director")
    service.notify(session, me, "Mine to read")
    service.notify(session, other, "Someone else's")
    session.commit()
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Mine to read" in html and "Someone else's" not in html
    response = client.submit("/notifications/read", page="/notifications/", follow_redirects=True)
    assert "1 notification marked as read." in response.get_data(as_text=True)
    assert (
        session.scalar(select(Notification.read_at).where(Notification.recipient_id == other.id))
        is None
    )


def test_an_urgent_notification_says_urgent_once_in_the_inbox(client, session, login_as):
    me = login_as("director")
    service.notify(session, me, "URGENT: Search warrant 2026-0009 logged at the desk", urgent=True)
    session.commit()
    html = client.get("/notifications/").get_data(as_text=True)
    assert (
        '<span class="badge danger">Urgent</span> Search warrant 2026-0009 logged at the desk'
        in html
    )
    assert "URGENT:" not in html
    assert session.scalar(select(Notification.subject)).startswith(
        "URGENT: "
    )  # the e-mail subject keeps it


def _smtp_settings(app, controller):
    return dataclasses.replace(
        app.config["SETTINGS"],
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_starttls=False,
    )


def test_an_email_queued_before_a_gag_goes_out_blank_and_none_goes_to_someone_who_left_the_circle(
    app, session, smtp_server
):
    from disclosure.cases import gag

    controller, handler = smtp_server
    director = factories.user(session, "director", email="dir@library.invalid")
    member = factories.user(session, "supervisor", email="member@library.invalid")
    case = factories.case(session, kind="subpoena", officer_name="Det. Unique Name")
    session.query(Notification).delete()
    service.notify(
        session,
        director,
        f"Subpoena {case.reference} from Det. Unique Name",
        link=f"/cases/{case.public_id}",
        case_id=case.id,
    )
    with app.app_context():  # the gag asks the app's other areas (a patron's report) to hear it
        gag.impose_gag(session, director, case, issued_by="U.S. District Court", issued_on=None)
    gag.add_member(session, director, case, member)
    gag.notify_about_case(session, member, case, "anything")
    gag.remove_member(session, director, case, member)
    session.commit()
    original = app.config["SETTINGS"]
    app.config["SETTINGS"] = _smtp_settings(app, controller)
    try:
        with app.app_context():
            from disclosure.db import db

            assert service.send_pending_email(db.session) == 1
            db.session.commit()
    finally:
        app.config["SETTINGS"] = original
    [message] = handler.messages
    assert message.rcpt_tos == ["dir@library.invalid"]
    text = message.content.decode()
    assert (
        "A restricted matter needs your attention" in text
        and "Unique Name" not in text
        and case.reference not in text
    )


def test_mark_all_read_counts_only_what_the_user_may_still_see(client, session, login_as):
    from disclosure.cases import gag

    director = factories.user(session, "director")
    member = login_as("supervisor")
    case = factories.case(session, kind="nsl")
    gag.add_member(session, director, case, member)
    gag.notify_about_case(session, member, case, "x")
    service.notify(session, member, "Something ordinary")
    gag.remove_member(session, director, case, member)
    session.commit()
    response = client.submit("/notifications/read", page="/notifications/", follow_redirects=True)
    assert "1 notification marked as read." in response.get_data(as_text=True)


def test_the_home_page_puts_urgent_first_and_links_a_restricted_matter_to_its_case(
    client, session, login_as
):
    from disclosure.cases.gag import RESTRICTED_NOTICE

    director = login_as("director")
    case = factories.case(session, "nsl")
    service.notify(session, director, "Subpoena 2026-0002 logged at the desk", "", link="/x")
    service.notify(session, director, RESTRICTED_NOTICE, "", link="/", urgent=True, case_id=case.id)
    session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Sign in to view it" not in page
    restricted = f'<a href="/cases/{case.public_id}">A restricted matter needs your attention.</a>'
    assert restricted in page
    assert page.index(restricted) < page.index("Subpoena 2026-0002 logged at the desk")


@pytest.mark.committing
def test_each_email_goes_once_while_the_library_goes_on_writing(fresh_app, smtp_server):
    """Others commit after each read the outbox makes outside the write lock, and while the
    server takes each message (not waiting for the lock: the job must not hold it then): every
    waiting e-mail goes once, is marked sent, and a second run sends nothing
    (tests/bystander.py)."""
    controller, handler = smtp_server
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        for n in range(3):
            director = factories.user(s, "director", email=f"director{n}@library.invalid")
            service.notify(s, director, "A new subpoena needs your attention", link="/cases/1")
        bystander_id = factories.patron(s).id
        s.commit()
        waiting = _waiting_addresses(s)
    assert len(waiting) >= 3
    fresh_app.config["SETTINGS"] = _smtp_settings(fresh_app, controller)
    recipients, committed = sending_twice_while_writing(
        fresh_app,
        handler,
        bystander_id,
        lambda: jobs.run_job(fresh_app, jobs.job_named(fresh_app, "send-email")),
    )
    assert recipients == waiting
    assert committed == len(waiting)  # nobody waited for the lock while a message went
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        assert _waiting_addresses(s) == []
        assert (
            s.scalar(select(Notification.id).where(Notification.email_error.is_not(None))) is None
        )


def _waiting_addresses(session) -> list[str]:
    return sorted(
        session.scalars(
            select(User.email)
            .join(Notification, Notification.recipient_id == User.id)
            .where(Notification.emailed_at.is_(None), User.email.is_not(None))
        )
    )
