"""A case's deadlines come from one place (cases/deadlines.py): the case page, the queue, the
dashboard and the reminders agree on which are met (docs/rules.md R-case-deadlines)."""

from datetime import date, timedelta

from sqlalchemy import select

from disclosure import clock, jobs
from disclosure.notify.models import Notification
from tests import factories as f


def reminders_to(session, director):
    return list(
        session.scalars(
            select(Notification.subject)
            .where(Notification.recipient_id == director.id)
            .order_by(Notification.id)
        )
    )


def run_case_reminders(app):
    jobs.run_job(app, jobs.job_named(app, "case-reminders"))


def test_a_decided_case_sends_no_return_date_reminder_and_shows_it_met(
    app, session, client, login_as
):
    clock.freeze(f.at(2026, 3, 9, 15))  # the day before the return date
    director = f.user(session, "director")
    case = f.held_case(
        session,
        kind="subpoena",
        return_date=date(2026, 3, 10),
        decision="refuse_improper",
        decided_at=clock.now() - timedelta(days=1),
        decided_by_id=director.id,
    )
    session.commit()
    run_case_reminders(app)
    clock.freeze(f.at(2026, 3, 10, 15))
    run_case_reminders(app)
    assert reminders_to(session, director) == []
    login_as("director", director)
    html = client.get(f"/cases/{case.public_id}").get_data(as_text=True)
    assert "Return date: 10 Mar 2026" in " ".join(html.split())
    assert '<span class="badge ok">Met</span>' in html
    assert "Overdue" not in html


def test_an_undecided_case_is_still_reminded_of_its_return_date(app, session):
    clock.freeze(f.at(2026, 3, 9, 15))
    director = f.user(session, "director")
    case = f.held_case(session, kind="subpoena", return_date=date(2026, 3, 10))
    session.commit()
    run_case_reminders(app)
    assert reminders_to(session, director) == [
        f"Case {case.reference}: the return date is tomorrow (10 Mar 2026)."
    ]


def test_counsel_advice_given_sends_no_review_reminder(app, session):
    clock.freeze(f.at(2026, 3, 9, 15))
    director = f.user(session, "director")
    counsel = f.user(session, "counsel")
    case = f.held_case(
        session, kind="subpoena", counsel_id=counsel.id, counsel_due_on=date(2026, 3, 10)
    )
    _advice(session, case, counsel)
    session.commit()
    run_case_reminders(app)
    assert reminders_to(session, director) == []


def _advice(session, case, counsel):
    from disclosure.cases.models import CounselAdvice

    session.add(
        CounselAdvice(
            case_id=case.id, counsel_id=counsel.id, advice="Comply.", recommendation="comply"
        )
    )
    session.flush()
    session.refresh(case)


def test_a_late_paper_shows_as_received_late_not_met(app, session, client, login_as):
    clock.freeze(f.at(2026, 3, 20, 15))
    director = login_as("director")
    case = f.held_case(
        session,
        kind="exigent",
        paperwork_due_at=f.at(2026, 3, 12, 15),
        paperwork_received_at=f.at(2026, 3, 14, 15),
    )
    session.commit()
    html = " ".join(client.get(f"/cases/{case.public_id}").get_data(as_text=True).split())
    assert "Officer&#39;s paper due: 12 Mar 2026" in html
    assert "Received late" in html
    assert '<span class="badge ok">Met</span>' not in html
    run_case_reminders(app)
    assert reminders_to(session, director) == []


def test_the_dashboard_lists_only_deadlines_not_yet_met(app, session, client, login_as):
    clock.freeze(f.at(2026, 3, 9, 15))
    director = login_as("director")
    f.held_case(
        session,
        kind="subpoena",
        return_date=date(2026, 3, 10),
        decision="refuse_improper",
        decided_at=clock.now(),
        decided_by_id=director.id,
    )
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Return date (subpoena)" not in html
    f.held_case(session, kind="subpoena", return_date=date(2026, 3, 11))
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Return date (subpoena)" in html
