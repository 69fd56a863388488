"""The scheduler's jobs: the nightly purge, hold expiry, reminders to the Director. Each safe to
run twice."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from disclosure import clock, jobs
from disclosure.audit.models import AuditEvent
from disclosure.db import db
from disclosure.notify.models import Notification
from disclosure.records import models as m
from disclosure.retention.models import PurgeRun
from tests import factories as f
from tests.bystander import writing_meanwhile

START = f.at(2026, 3, 2, 15)


def run(app, job_id):
    jobs.run_job(app, jobs.job_named(app, job_id))


def notes(session, director):
    return list(
        session.scalars(
            select(Notification.subject)
            .where(Notification.recipient_id == director.id)
            .order_by(Notification.id)
        )
    )


def test_the_director_is_reminded_14_7_and_1_days_before_a_hold_expires(app, session):
    clock.freeze(START)
    director = f.user(session, "director")
    hold = f.hold(session, placed_by=director)
    session.commit()
    for day in range(70, 91):
        clock.freeze(START + timedelta(days=day))
        run(app, "reminders")
        run(app, "reminders")  # twice: sends nothing more
    subjects = notes(session, director)
    ref = hold.case.reference
    assert subjects == [
        f"The hold for case {ref} ends in 14 days (31 May 2026). The agency may renew it once.",
        f"The hold for case {ref} ends in 7 days (31 May 2026). The agency may renew it once.",
        f"The hold for case {ref} ends tomorrow (31 May 2026). The agency may renew it once.",
    ]


def test_a_renewal_arms_new_reminders(app, session):
    clock.freeze(START + timedelta(days=80))
    director = f.user(session, "director")
    hold = f.hold(session, placed_by=director, requested_at=START)
    session.commit()
    run(app, "reminders")
    hold.expires_at += timedelta(days=90)
    hold.renewed_at = clock.now()
    session.commit()
    clock.freeze(START + timedelta(days=170))
    run(app, "reminders")
    first, second = notes(session, director)
    assert "(31 May 2026). The agency may renew it once." in first
    assert second.endswith("ends in 10 days (29 Aug 2026).")  # renewed: no second renewal offered


def test_reminders_about_a_gagged_case_say_only_that_a_restricted_matter_needs_attention(
    app, session
):
    clock.freeze(START + timedelta(days=85))
    director = f.user(session, "director")
    f.hold(
        session,
        f.held_case(session, kind="nsl", gagged=True),
        placed_by=director,
        requested_at=START,
    )
    session.commit()
    run(app, "reminders")
    note = session.scalars(
        select(Notification).where(Notification.recipient_id == director.id)
    ).one()
    assert (note.subject, note.body, note.link) == (
        "A restricted matter needs your attention. Sign in to view it.",
        "",
        "/",
    )


def test_an_ended_hold_is_noted_once_and_the_director_told(app, session):
    clock.freeze(START)
    director = f.user(session, "director")
    hold = f.hold(session, placed_by=director)
    session.commit()
    run(app, "hold-expiry")
    assert notes(session, director) == []
    clock.freeze(START + timedelta(days=90))
    run(app, "hold-expiry")
    run(app, "hold-expiry")
    assert len(notes(session, director)) == 1 and "has ended" in notes(session, director)[0]
    actions = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "hold", AuditEvent.object_id == hold.id
        )
    )
    assert list(actions) == ["hold.expired"]


def test_case_deadlines_are_reminded_a_week_before_the_day_before_and_on_the_day(app, session):
    clock.freeze(f.at(2026, 3, 1, 15))
    director = f.user(session, "director")
    case = f.held_case(session, kind="subpoena", return_date=date(2026, 3, 10))
    f.held_case(session, kind="subpoena", return_date=date(2026, 3, 10), closed_at=clock.now())
    session.commit()
    for day in range(1, 12):
        clock.freeze(f.at(2026, 3, day, 15))
        run(app, "case-reminders")
    assert notes(session, director) == [
        f"Case {case.reference}: the return date is in 7 days (10 Mar 2026).",
        f"Case {case.reference}: the return date is tomorrow (10 Mar 2026).",
        f"Case {case.reference}: the return date is today (10 Mar 2026).",
    ]


def test_the_nightly_purge_job_purges_and_a_second_run_finds_nothing(app, session):
    clock.freeze(START)
    f.computer_session(session, days_ago=5)
    session.commit()
    run(app, "purge")
    run(app, "purge")
    assert session.scalar(select(func.count()).select_from(m.ComputerSession)) == 0
    assert (
        session.scalar(
            select(func.count()).select_from(PurgeRun).where(PurgeRun.status == "finished")
        )
        == 2
    )


def test_the_scheduler_runs_the_purge_at_the_configured_hour_and_never_drops_a_late_run(app):
    scheduler = jobs.build_scheduler(app, blocking=False)
    job = scheduler.get_job("purge")
    assert str(job.trigger.fields[5]) == str(app.config["SETTINGS"].purge_hour)  # the hour field
    defaults = scheduler._job_defaults  # applied to each job when the scheduler starts
    assert (
        defaults["coalesce"]
        and defaults["max_instances"] == 1
        and defaults["misfire_grace_time"] >= 3600
    )
    assert {"purge", "hold-expiry", "reminders", "case-reminders"} <= {
        j.id for j in scheduler.get_jobs()
    }


def test_run_job_says_when_the_purge_skipped_and_why(app, session):
    import os
    import socket

    clock.freeze(START)
    busy = PurgeRun(
        started_at=clock.now(),
        heartbeat_at=clock.now(),
        status="running",
        trigger="scheduler",
        host=socket.gethostname(),
        pid=os.getpid(),
    )
    session.add(busy)
    session.commit()
    result = app.test_cli_runner().invoke(args=["run-job", "purge"])
    assert result.output.strip() == (
        f"skipped purge: Another purge (run {busy.id}) is running; this one did not start."
    )
    busy.status = "finished"
    session.commit()
    result = app.test_cli_runner().invoke(args=["run-job", "purge"])
    assert result.output.startswith("ran purge: run ")


@pytest.mark.committing
def test_hold_expiry_and_reminders_finish_while_the_library_goes_on_writing(fresh_app):
    """Others commit after each read the jobs make outside the write lock (tests/bystander.py):
    the ended hold is still noted once, its reminder sent once, and the Director told."""
    clock.freeze(START)
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        director = f.user(s, "director")
        ending, ended = f.hold(s, placed_by=director), f.hold(s, placed_by=director, days=80)
        bystander_id = f.patron(s).id
        s.commit()
        ending_ref, ended_id = ending.case.reference, ended.id
    clock.freeze(START + timedelta(days=83))
    with writing_meanwhile(db.engine_for(fresh_app), bystander_id):
        for job_id in ("hold-expiry", "hold-expiry", "reminders", "reminders"):
            run(fresh_app, job_id)
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        told = notes(s, director)
        actions = s.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "hold", AuditEvent.object_id == ended_id
            )
        )
        assert list(actions) == ["hold.expired"]
    assert len(told) == 2 and "has ended" in told[0]
    assert told[1].startswith(f"The hold for case {ending_ref} ends in 7 days")
