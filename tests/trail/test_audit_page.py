"""The audit page (docs/rules.md R-audit-page): the Director reads every event, filtered by
person, kind and dates, a page at a time, and as CSV; the administrator reads account events
only; the last check of the chain is shown. And the daily anchor reaches every holder of the
Director's powers (R-audit-chained)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from disclosure import areas, clock
from disclosure.audit import chain
from disclosure.audit import service as audit
from disclosure.audit.models import ChainVerification
from disclosure.notify.models import Notification
from disclosure.trail import service
from tests import factories

NOW = factories.at(2026, 11, 20, 15)


def _some_events(session, director, staff):
    case = factories.documents_case(session)
    audit.record(session, staff, "case.viewed", "case", case.id, case_id=case.id)
    audit.record(session, director, "hold.viewed", "hold", 3, case_id=case.id)
    audit.record(session, director, "user.created", "user", staff.id, detail="=HYPERLINK(x)")
    session.commit()


def test_the_director_reads_every_event_and_filters_by_person_and_kind(session, client, login_as):
    clock.freeze(NOW)
    director = login_as("director")
    staff = factories.user(session, "staff", full_name="Sam Clerk")
    _some_events(session, director, staff)
    page = client.get("/audit").get_data(as_text=True)
    assert (
        "<td>Case page viewed</td>" in page
        and "<td>Hold page viewed</td>" in page
        and "<td>Account created</td>" in page
    )
    page = client.get(f"/audit?person={staff.id}").get_data(as_text=True)
    assert (
        "<td>Case page viewed</td>" in page
        and "<td>Hold page viewed</td>" not in page
        and "Sam Clerk" in page
    )
    page = client.get("/audit?action=hold.viewed").get_data(as_text=True)
    assert "<td>Hold page viewed</td>" in page and "<td>Account created</td>" not in page
    # the filter offers the kinds in words, keeping their codes as values
    assert '<option value="hold.viewed" selected>Hold page viewed</option>' in page
    assert "case.viewed</td>" not in page


def test_dates_filter_by_the_librarys_days(session, client, login_as):
    clock.freeze(NOW - timedelta(days=3))
    director = factories.user(session, "director")
    audit.record(session, director, "hold.viewed", "hold", 1)
    session.commit()
    clock.freeze(NOW)
    login_as("director", director)
    audit.record(session, director, "case.viewed", "case", 2)
    session.commit()
    today = clock.today().isoformat()
    page = client.get(f"/audit?since={today}&until={today}").get_data(as_text=True)
    assert "<td>Case page viewed</td>" in page and "<td>Hold page viewed</td>" not in page


def test_the_page_goes_a_page_at_a_time(session, client, login_as):
    director = login_as("director")
    for n in range(service.PAGE_SIZE + 5):
        audit.record(session, director, "case.viewed", "case", n)
    session.commit()
    first = client.get("/audit?action=case.viewed").get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = client.get("/audit?action=case.viewed&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("<td>Case page viewed</td>") == 5


def test_the_csv_holds_every_filtered_event_and_starts_no_formula(session, client, login_as):
    director = login_as("director")
    staff = factories.user(session, "staff")
    _some_events(session, director, staff)
    response = client.get("/audit.csv?action=user.created")
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.splitlines()[0].startswith("event,at,by,action,what")
    # the code for machines, and the words beside it
    assert "user.created,Account created" in body and "case.viewed" not in body
    assert "'=HYPERLINK(x)" in body  # csvsafe: shown as text, never run


def test_the_administrator_sees_account_events_only(session, client, login_as):
    admin = login_as("admin")
    director = factories.user(session, "director")
    _some_events(session, director, admin)
    page = client.get("/audit").get_data(as_text=True)
    assert "<td>Account created</td>" in page
    assert "<td>Case page viewed</td>" not in page and "<td>Hold page viewed</td>" not in page
    csv = client.get("/audit.csv").get_data(as_text=True)
    assert "user.created" in csv and "case.viewed" not in csv


def test_no_one_else_opens_the_audit_page(session, client, login_as):
    login_as("counsel")
    assert client.get("/audit").status_code == 404


def test_the_page_shows_the_last_check_of_the_chain(session, client, login_as):
    login_as("director")
    assert "has not been checked yet" in client.get("/audit").get_data(as_text=True)
    service.verify(session, "command line")
    session.commit()
    page = client.get("/audit").get_data(as_text=True)
    assert "verified" in page and chain.head(session).sha256 in page


def test_the_daily_anchor_reaches_every_holder_of_the_directors_powers_once(session, app_context):
    clock.freeze(NOW)
    director = factories.user(session, "director")
    others = [factories.user(session, role) for role in ("counsel", "admin", "staff")]
    audit.record(session, director, "case.viewed", "case", 1)
    head = chain.head(session)
    assert "anchor sent to 1" in service.send_anchor(session)
    assert service.send_anchor(session) == "already sent today"
    notes = session.scalars(
        select(Notification).where(Notification.subject.contains("daily anchor"))
    ).all()
    assert [note.recipient_id for note in notes] == [director.id]
    assert head.sha256 in notes[0].body and f"{head.count:,} events" in notes[0].body
    assert all(other.id not in {n.recipient_id for n in notes} for other in others)
    check = session.scalar(select(ChainVerification).order_by(ChainVerification.id.desc()))
    assert check.by == "daily job" and check.ok
    assert areas.current().jobs["audit-anchor"].run is service.send_anchor
