"""Long work leaves the request (docs/rules.md R-long-work-queued): the desk's ID check and a
consent release queue their compiling; the scheduler's job runs it; the pages show where it
stands; a failure is shown in words and can be tried again; two scheduler processes never take
the same item, and a claim whose process died is taken again."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from disclosure import clock, work
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.patrons import service
from disclosure.patrons.models import FrozenReport
from disclosure.records import models as m
from tests import factories
from tests.bystander import writing_meanwhile
from tests.patrons.steps import ask, latest_request, run_queued_work, sign_in_patron

LOANS = 400


def _with_many_loans(session):
    patron = factories.patron(session)
    branch = factories.branch(session)
    session.add_all(
        m.Loan(
            patron_id=patron.id,
            branch_id=branch.id,
            item_barcode=f"3100{i:08d}",
            item_title=f"Title {i}",
            checked_out_at=clock.now() - timedelta(days=20, hours=i % 24),
            due_at=clock.now() + timedelta(days=1),
        )
        for i in range(LOANS)
    )
    session.commit()
    return patron


def _asked_and_verified(app, client, session, login_as, patron):
    sign_in_patron(client, patron)
    ask(client)
    request = latest_request(session, patron)
    desk = app.test_client()
    login_as("staff", the_client=desk)
    answer = desk.submit(
        f"/desk/patron-requests/{request.public_id}", {"id_kind": "passport", "confirmed": "y"}
    )
    return request, desk, answer


def test_a_report_of_many_records_is_queued_by_the_request_and_compiled_by_the_job(
    app, client, session, login_as
):
    patron = _with_many_loans(session)
    request, desk, answer = _asked_and_verified(app, client, session, login_as, patron)
    assert answer.status_code == 302
    session.refresh(request)
    assert request.status == "compiling"
    assert session.scalar(select(func.count()).select_from(FrozenReport)) == 0
    progress = desk.get(f"/desk/patron-requests/{request.public_id}/progress").get_json()
    assert progress["status"] == "queued" and progress["ready"] is False
    page = desk.get(f"/desk/patron-requests/{request.public_id}").get_data(as_text=True)
    assert "The report is being compiled" in page and "Waiting its turn" in page
    assert "Open the PDF to print" not in page
    assert "Your report is being compiled" in client.get(
        f"/patron/requests/{request.public_id}"
    ).get_data(as_text=True)
    assert client.get(f"/patron/requests/{request.public_id}/report.pdf").status_code == 404

    run_queued_work(app)

    progress = desk.get(f"/desk/patron-requests/{request.public_id}/progress").get_json()
    assert progress["status"] == "done" and progress["ready"] is True
    assert progress["done"] == 1 and progress["total"] == 2  # the last step it told of
    assert "Open the PDF to print" in desk.get(
        f"/desk/patron-requests/{request.public_id}"
    ).get_data(as_text=True)
    assert client.get(f"/patron/requests/{request.public_id}/progress").get_json()["ready"] is True
    session.refresh(request)
    assert request.report.counts["loans"] == LOANS
    download = client.get(f"/patron/requests/{request.public_id}/report.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    settings = app.config["SETTINGS"]
    assert request.download_until - request.compiled_at == timedelta(
        days=settings.report_download_days
    )


def _crashing(session, item, progress):
    raise RuntimeError("the renderer died")  # as a crash of the PDF library would


def test_a_failure_is_shown_in_words_and_can_be_tried_again(app, client, session, login_as):
    patron = factories.patron(session)
    factories.loan(session, patron)
    session.commit()
    request, desk, _ = _asked_and_verified(app, client, session, login_as, patron)
    with app.app_context():
        assert "1 failed" in work.run_queued(db.session, {service.REPORT_WORK: _crashing})
    page = desk.get(f"/desk/patron-requests/{request.public_id}").get_data(as_text=True)
    assert "It failed. It could not be finished because of an error in the system." in page
    assert "Try again" in page
    assert "the renderer died" not in page
    patron_page = client.get(f"/patron/requests/{request.public_id}").get_data(as_text=True)
    assert "If it is not ready soon, ask at the desk." in patron_page
    assert "error in the system" not in patron_page

    desk.submit(
        f"/desk/patron-requests/{request.public_id}/retry",
        {},
        page=f"/desk/patron-requests/{request.public_id}",
    )
    assert desk.get(f"/desk/patron-requests/{request.public_id}/progress").get_json()["status"] == (
        "queued"
    )
    run_queued_work(app)
    session.refresh(request)
    assert request.status == "ready" and request.report.counts["loans"] == 1


def test_only_a_failed_report_can_be_tried_again(app, session):
    patron = factories.patron(session)
    with app.app_context():
        staff = factories.user(session, "staff")
        request = service.ask_for_records(session, patron)
        service.verify_and_compile(session, staff, request, id_kind="passport")
        with pytest.raises(DomainError, match="Only work that failed"):
            service.retry_report(session, staff, request)


@pytest.mark.committing
def test_two_workers_never_claim_the_same_item(fresh_app):
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        items = [work.enqueue(s, service.REPORT_WORK, n) for n in range(3)]
        s.commit()
        queued = {item.id for item in items}
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def worker(name: str) -> None:
        with fresh_app.app_context(), db.new_session(fresh_app) as s:
            start.wait()
            while (item := work.claim(s, [service.REPORT_WORK], name)) is not None:
                claimed[name].append(item.id)
                s.commit()
            s.commit()

    threads = [threading.Thread(target=worker, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed["a"] + claimed["b"]) == sorted(queued)  # each once, none twice
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        rows = s.scalars(select(work.WorkItem)).all()
        assert {(r.id, r.claimed_by) for r in rows} == {
            *((i, "a") for i in claimed["a"]),
            *((i, "b") for i in claimed["b"]),
        }
        assert {r.attempts for r in rows} == {1}


@pytest.mark.committing
def test_a_stale_claim_is_taken_again_and_a_fresh_one_is_not(fresh_app):
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        work.enqueue(s, service.REPORT_WORK, 1)
        s.commit()
        taken = work.claim(s, [service.REPORT_WORK], "host:1")
        s.commit()
        assert work.claim(s, [service.REPORT_WORK], "host:2") is None
        s.commit()
        clock.freeze(clock.now() + work.STALE_AFTER + timedelta(minutes=1))
        again = work.claim(s, [service.REPORT_WORK], "host:2")
        s.commit()
        assert again.id == taken.id and again.claimed_by == "host:2" and again.attempts == 2


@pytest.mark.committing
def test_a_report_is_compiled_while_the_library_goes_on_writing(fresh_app):
    """While the job reads a patron's records, others commit (a clerk, a sign-in, an audit
    event): the report is still compiled (tests/bystander.py)."""
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        patron, bystander = _with_many_loans(s), factories.patron(s)
        request = service.ask_for_records(s, patron)
        service.verify_and_compile(s, factories.user(s, "staff"), request, id_kind="passport")
        s.commit()
        request_id, bystander_id = request.id, bystander.id
    with writing_meanwhile(db.engine_for(fresh_app), bystander_id) as followed:
        run_queued_work(fresh_app)
    assert followed  # others did commit while the job read
    with fresh_app.app_context(), db.new_session(fresh_app) as s:
        item = s.scalar(select(work.WorkItem).where(work.WorkItem.subject_id == request_id))
        assert (item.status, item.error) == ("done", None)
        report = s.scalar(select(FrozenReport).where(FrozenReport.request_id == request_id))
        assert report.counts["loans"] == LOANS
        assert s.get(m.Patron, bystander_id).phone == f"(636) 555-{len(followed) - 1:04d}"
