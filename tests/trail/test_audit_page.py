"""The audit page (docs/rules.md R-audit-page): the Director reads every event, filtered by
person, kind and dates, a page at a time, and as CSV; the administrator reads account events
only; the last check of the chain is shown. And the daily anchor reaches every holder of the
Director's powers (R-audit-chained)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from disclosure import areas, clock, jobs, work
from disclosure.audit import chain
from disclosure.audit import service as audit
from disclosure.audit.models import AuditEvent, ChainVerification
from disclosure.db import db
from disclosure.notify.models import Notification
from disclosure.trail import service
from tests import factories
from tests.bystander import writing_meanwhile

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


def _exported(app, client, query: str = "") -> str:
    """Ask for the CSV from the audit page, let the scheduler write it, download it."""
    client.submit(f"/audit/export?{query}", page="/audit")
    jobs.run_job(app, jobs.job_named(app, "audit-export-work"))
    response = client.get("/audit/export/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return response.get_data(as_text=True)


def test_the_csv_holds_every_filtered_event_and_starts_no_formula(app, session, client, login_as):
    director = login_as("director")
    staff = factories.user(session, "staff")
    _some_events(session, director, staff)
    body = _exported(app, client, "action=user.created")
    assert body.splitlines()[0].startswith("event,at,by,action,what")
    # the code for machines, and the words beside it
    assert "user.created,Account created" in body and "case.viewed" not in body
    assert "'=HYPERLINK(x)" in body  # csvsafe: shown as text, never run


def test_the_administrator_sees_account_events_only(app, session, client, login_as):
    admin = login_as("admin")
    director = factories.user(session, "director")
    _some_events(session, director, admin)
    page = client.get("/audit").get_data(as_text=True)
    assert "<td>Account created</td>" in page
    assert "<td>Case page viewed</td>" not in page and "<td>Hold page viewed</td>" not in page
    csv = _exported(app, client)
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


@pytest.mark.committing
def test_the_daily_anchor_is_sent_while_the_library_goes_on_writing(fresh_app):
    """Others commit while the job walks the chain, which it walks without the write lock (the
    walk is long; tests/bystander.py): the anchor still reaches the Director, once."""
    clock.freeze(NOW)
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        director = factories.user(s, "director")
        _some_events(s, director, factories.user(s, "staff"))
        bystander_id = factories.patron(s).id
        s.commit()
        director_id = director.id
    anchor = jobs.job_named(fresh_app, "audit-anchor")
    with writing_meanwhile(db.engine_for(fresh_app), bystander_id) as followed:
        assert "anchor sent to 1; chain ok" in jobs.run_job(fresh_app, anchor)
        assert jobs.run_job(fresh_app, anchor) == "already sent today"
    assert followed  # others did commit while the job walked
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        notes = s.scalars(
            select(Notification.recipient_id).where(Notification.subject.contains("daily anchor"))
        ).all()
        check = s.scalar(select(ChainVerification).order_by(ChainVerification.id.desc()))
    assert notes == [director_id]
    assert (check.by, check.ok) == ("daily job", True)


# ---- the CSV is long work (docs/rules.md R-long-work-queued) ----------------------------------


def test_asking_for_the_csv_answers_at_once_and_the_job_writes_it(app, session, client, login_as):
    director = login_as("director")
    for n in range(service.CSV_BATCH + 3):  # two batches: two steps of progress
        audit.record(session, director, "case.viewed", "case", n)
    session.commit()
    answer = client.submit("/audit/export?action=case.viewed", page="/audit")
    assert answer.status_code == 302 and answer.location.endswith("/audit/export")
    page = client.get("/audit/export").get_data(as_text=True)
    assert 'role="status" aria-live="polite"' in page and "Waiting its turn" in page
    assert "of the kind case.viewed" in page and "Download the CSV" not in page
    assert client.get("/audit/export/progress").get_json()["ready"] is False
    assert _sent_to_the_export_page(client)

    jobs.run_job(app, jobs.job_named(app, "audit-export-work"))

    progress = client.get("/audit/export/progress").get_json()
    assert progress["ready"] is True and (progress["done"], progress["total"]) == (2, 2)
    assert "Download the CSV" in client.get("/audit/export").get_data(as_text=True)
    lines = client.get("/audit/export/audit.csv").get_data(as_text=True).splitlines()
    assert len(lines) == 1 + service.CSV_BATCH + 3
    assert all(",case.viewed," in line for line in lines[1:])
    ids = [int(line.split(",")[0]) for line in lines[1:]]
    assert ids == sorted(ids)  # oldest first, across the batches
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("audit.export%"))
    ).all()
    assert sorted(actions) == [
        "audit.export_downloaded",
        "audit.export_requested",
        "audit.exported",
    ]


def test_a_second_ask_while_the_first_waits_queues_nothing_more(app, session, client, login_as):
    director = login_as("director")
    client.submit("/audit/export?action=user.created", page="/audit")
    client.submit("/audit/export?action=user.created", page="/audit")
    queued = session.scalars(
        select(work.WorkItem).where(work.WorkItem.kind == service.EXPORT_WORK)
    ).all()
    assert len(queued) == 1 and queued[0].subject_id == director.id


def _sent_to_the_export_page(client) -> bool:
    """Whether the CSV's link, with no file to give, leads to the page saying where it stands."""
    answer = client.get("/audit/export/audit.csv")
    return answer.status_code == 302 and answer.location.endswith("/audit/export")


def _failing(session, item, progress):
    raise RuntimeError("the disk is full")


def test_a_failed_export_is_shown_in_words_and_can_be_tried_again(app, session, client, login_as):
    login_as("director")
    client.submit("/audit/export", page="/audit")
    with app.app_context():
        assert "1 failed" in work.run_queued(db.session, {service.EXPORT_WORK: _failing})
    page = client.get("/audit/export").get_data(as_text=True)
    assert "It failed. It could not be finished because of an error in the system." in page
    assert "the disk is full" not in page and "Try again" in page
    client.submit("/audit/export/retry", page="/audit/export")
    assert client.get("/audit/export/progress").get_json()["status"] == "queued"
    jobs.run_job(app, jobs.job_named(app, "audit-export-work"))
    assert client.get("/audit/export/audit.csv").status_code == 200


def test_an_export_is_its_askers_alone_and_deleted_after_a_day(app, session, client, login_as):
    login_as("director")
    client.submit("/audit/export", page="/audit")
    jobs.run_job(app, jobs.job_named(app, "audit-export-work"))
    other = app.test_client()
    login_as("director", the_client=other)
    assert "You have not asked for a CSV yet" in other.get("/audit/export").get_data(as_text=True)
    assert _sent_to_the_export_page(other)  # not the other Director's file
    written = session.scalar(select(work.WorkItem).where(work.WorkItem.kind == service.EXPORT_WORK))
    written.finished_at = clock.now() - service.EXPORT_KEPT - timedelta(minutes=1)
    session.commit()
    jobs.run_job(app, jobs.job_named(app, "audit-exports-deleted"))
    assert _sent_to_the_export_page(client)
    assert "deleted a day after" in client.get("/audit/export").get_data(as_text=True)


@pytest.mark.committing
def test_an_export_is_written_while_the_library_goes_on_writing(fresh_app):
    """Others commit while the job reads the trail (tests/bystander.py): the CSV is still
    written, and its own audit event with it."""
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        director, staff = factories.user(s, "director"), factories.user(s, "staff")
        _some_events(s, director, staff)
        bystander = factories.patron(s)
        item = service.start_export(s, director, service.Filters())
        s.commit()
        item_id, bystander_id = item.id, bystander.id
    with writing_meanwhile(db.engine_for(fresh_app), bystander_id) as followed:
        jobs.run_job(fresh_app, jobs.job_named(fresh_app, "audit-export-work"))
    assert followed
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        item = s.get(work.WorkItem, item_id)
        assert (item.status, item.error) == ("done", None)
        assert "user.created,Account created" in item.result.decode("utf-8")
        exported = s.scalar(select(AuditEvent).where(AuditEvent.action == "audit.exported"))
        assert (exported.object_type, exported.object_id) == ("work_item", item_id)


@pytest.mark.committing
def test_the_command_lines_check_is_kept_while_the_library_goes_on_writing(fresh_app):
    """`disclosure audit verify` walks the trail while others commit (tests/bystander.py); what
    it found is still kept, and the audit page shows it."""
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        director, staff = factories.user(s, "director"), factories.user(s, "staff")
        _some_events(s, director, staff)
        bystander_id = factories.patron(s).id
        s.commit()
    with writing_meanwhile(db.engine_for(fresh_app), bystander_id) as followed:
        ran = fresh_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert ran.exit_code == 0, ran.output
    assert followed and "events match" in ran.output
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        kept = s.scalar(select(ChainVerification))
        assert (kept.by, kept.ok, kept.checked) == ("command line", True, chain.head(s).count)
