"""The breach register (docs/rules.md R-breach-24h): recorded by the Director or the
administrator, a 24-hour clock with reminders at 12, 20 and 24 hours then overdue, who was told
and when, a letter to affected patrons, closed with findings, counted in the annual report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from disclosure import clock, jobs
from disclosure.breaches import service
from disclosure.breaches.models import Breach
from disclosure.documents import annual
from disclosure.errors import DomainError
from disclosure.notify.models import Notification
from tests import factories as f
from tests.patrons.steps import pdf_text

FOUND = f.at(2026, 3, 2, 9)


def _subjects(session, person) -> list[str]:
    return list(
        session.scalars(
            select(Notification.subject)
            .where(Notification.recipient_id == person.id)
            .order_by(Notification.id)
        )
    )


def _breach(session, actor, **fields) -> Breach:
    values = dict(
        found_at=FOUND,
        what_happened="A staff laptop with a patron export was stolen from a car.",
        record_kinds=["patrons", "loans"],
        patrons_affected=1200,
    )
    values.update(fields)
    return service.record_breach(session, actor, **values)


def test_the_breach_clock_reminds_at_12_20_and_24_hours_then_is_overdue(app, session, app_context):
    clock.freeze(FOUND + timedelta(minutes=30))
    director, admin = f.user(session, "director"), f.user(session, "admin")
    breach = _breach(session, admin)
    session.commit()
    ref = breach.reference
    first = _subjects(session, director)
    assert len(first) == 1 and f"({ref})" in first[0] and "3 Mar 2026" in first[0]
    assert _subjects(session, admin) == first

    seen = {}
    for minutes in range(30, 26 * 60, 30):
        clock.freeze(FOUND + timedelta(minutes=minutes))
        jobs.run_job(app, jobs.job_named(app, "breach-reminders"))
        jobs.run_job(app, jobs.job_named(app, "breach-reminders"))  # twice: nothing more
        seen[minutes / 60] = (len(_subjects(session, director)), service.state(breach))
    assert _subjects(session, director)[1:] == [
        f"Breach {ref}: 12 hours are left. Not yet told: the library board, the consortium, "
        "the affected patrons.",
        f"Breach {ref}: 4 hours are left. Not yet told: the library board, the consortium, "
        "the affected patrons.",
        f"Breach {ref}: The 24 hours are over: the notice is overdue. Not yet told: the library "
        "board, the consortium, the affected patrons.",
    ]
    assert _subjects(session, admin) == _subjects(session, director)
    # each reminder arrived at its hour, not before
    assert seen[11.5] == (1, "open") and seen[12.0][0] == 2
    assert seen[19.5][0] == 2 and seen[20.0][0] == 3
    assert seen[23.5] == (3, "open") and seen[24.0] == (4, "overdue")


def test_a_breach_with_everyone_told_is_not_reminded_and_a_late_job_sends_one(
    app, session, app_context
):
    clock.freeze(FOUND + timedelta(hours=1))
    director = f.user(session, "director")
    told, late = _breach(session, director), _breach(session, director)
    for party in ("board", "consortium", "patrons"):
        service.record_notice(
            session, director, told, party=party, notified_at=clock.now(), how="E-mail"
        )
    session.commit()
    assert service.state(told) == "notified"
    clock.freeze(FOUND + timedelta(hours=21))  # the scheduler was down from hour 1 to hour 21
    jobs.run_job(app, jobs.job_named(app, "breach-reminders"))
    reminders = [s for s in _subjects(session, director) if s.startswith("Breach")]
    assert reminders == [
        f"Breach {late.reference}: 4 hours are left. Not yet told: the library board, the "
        "consortium, the affected patrons."
    ]


def test_a_breach_is_refused_when_found_in_the_future_or_told_before_it_was_found(
    session, app_context
):
    clock.freeze(FOUND)
    director = f.user(session, "director")
    with pytest.raises(DomainError, match="cannot be in the future") as refused:
        _breach(session, director, found_at=FOUND + timedelta(hours=1))
    assert refused.value.field == "found_at"
    with pytest.raises(DomainError, match="Choose the kinds"):
        _breach(session, director, record_kinds=["no-such-kind"])
    breach = _breach(session, director)
    with pytest.raises(DomainError, match="before the breach was found"):
        service.record_notice(
            session,
            director,
            breach,
            party="board",
            notified_at=FOUND - timedelta(minutes=1),
            how="Call",
        )
    service.record_notice(session, director, breach, party="board", notified_at=FOUND, how="Call")
    with pytest.raises(DomainError, match="already recorded as told"):
        service.record_notice(
            session, director, breach, party="board", notified_at=FOUND, how="Call"
        )


def test_the_director_records_tells_prints_the_letter_and_closes_through_the_pages(
    client, login_as, session
):
    clock.freeze(FOUND + timedelta(hours=3))
    login_as("director")
    made = client.submit(
        "/breaches/new",
        {
            "found_at": "2026-03-02T03:00",  # library time (Chicago): 09:00 UTC
            "what_happened": "A shared drive holding loan exports was open to the web.",
            "kinds": ["loans", "computer_sessions"],
            "patrons_affected": "350",
        },
    )
    assert made.status_code == 302
    breach = session.scalar(select(Breach).order_by(Breach.id.desc()))
    assert breach.found_at == FOUND and breach.kinds == ["loans", "computer_sessions"]
    page = client.get(made.location).get_data(as_text=True)
    assert "shared drive holding loan exports" in page and "Notice due" in page
    assert "3 Mar 2026" in page or "March 3" in page  # told by 24 hours after discovery

    told = client.submit(
        f"/breaches/{breach.id}/notices",
        {"party": "board", "notified_at": "2026-03-02T05:00", "how": "E-mail to the chair"},
        page=made.location,
    )
    assert told.status_code == 302
    page = client.get(made.location).get_data(as_text=True)
    assert "E-mail to the chair" in page and "The library board" in page

    home = client.get("/").get_data(as_text=True)
    assert f"Breach {breach.reference}" in home and "Suspected breaches open" in home

    letter = client.get(f"/breaches/{breach.id}/letter.pdf")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF")
    words = " ".join(pdf_text(letter.data).split())
    assert "Notice of a possible breach of your library records" in words
    assert "about 350 people" in words and breach.reference in words
    assert "Loans" in words and "Computer sessions" in words

    closed = client.submit(
        f"/breaches/{breach.id}/close",
        {"findings": "The drive's sharing link was removed; logs show no download."},
        page=made.location,
    )
    assert closed.status_code == 302
    page = client.get(made.location).get_data(as_text=True)
    assert "logs show no download" in page and "Closed" in page
    assert "Suspected breaches open" not in client.get("/").get_data(as_text=True)


def test_the_administrator_keeps_the_register_and_other_staff_cannot_see_it(
    app, client, login_as, session
):
    clock.freeze(FOUND)
    with app.app_context():
        breach = _breach(session, f.user(session, "director"))
    session.commit()
    login_as("admin")
    assert client.get(f"/breaches/{breach.id}").status_code == 200
    other = app.test_client()
    login_as("staff", the_client=other)
    assert other.get("/breaches").status_code == 404
    assert other.get(f"/breaches/{breach.id}").status_code == 404


def test_the_annual_report_counts_breaches(app, session, app_context):
    clock.freeze(FOUND + timedelta(hours=2))
    director = f.user(session, "director")
    in_time, late = _breach(session, director), _breach(session, director)
    for party in ("board", "consortium", "patrons"):
        service.record_notice(
            session, director, in_time, party=party, notified_at=clock.now(), how="E-mail"
        )
    clock.freeze(FOUND + timedelta(hours=30))
    for party in ("board", "consortium", "patrons"):
        service.record_notice(
            session, director, late, party=party, notified_at=clock.now(), how="Letter"
        )
    rows = dict(annual.figures(session, 2026).breaches.rows)
    assert rows == {
        "Suspected breaches found": 2,
        "Board, consortium and patrons all told within 24 hours": 1,
    }
    assert dict(annual.figures(session, 2025).breaches.rows)["Suspected breaches found"] == 0
