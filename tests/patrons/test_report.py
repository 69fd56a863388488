"""The report: every kind of record with the right counts, the disclosures a patron may be told
of (never a gagged matter), what the library does not keep; frozen; downloadable for a while."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import delete, update

from disclosure import clock
from disclosure.patrons import service
from disclosure.pdf import sha256
from disclosure.records import models as m
from tests import factories
from tests.conftest import ARTIFACTS
from tests.patrons.steps import ask, latest_request, pdf_text, report_json, sign_in_patron, verify

EVERY_KIND = {
    "Registration details": 1,
    "Loans": 3,
    "Computer sessions": 2,
    "Interlibrary loans": 1,
    "Program registrations": 1,
    "E-mails about interlibrary loans": 2,
    "Mailing-list subscriptions": 1,
}


def _compiled_for(app, session, patron):
    with app.app_context():
        request = service.ask_for_records(session, patron)
    return request, verify(app, session, request)


def test_the_report_lists_every_kind_of_record_with_the_right_counts(app, session, backend):
    patron = factories.patron_with_every_kind(session)
    factories.patron_with_every_kind(session)  # someone else's records stay out
    request, report = _compiled_for(app, session, patron)
    data = report_json(report)
    assert {kind: len(rows) for kind, rows in data["records"].items()} == EVERY_KIND
    assert report.counts == {
        "patrons": 1,
        "loans": 3,
        "computer_sessions": 2,
        "interlibrary_loans": 1,
        "program_registrations": 1,
        "ill_emails": 2,
        "mailing_list_subscriptions": 1,
        "disclosures": 0,
    }
    assert data["records"]["Registration details"][0]["E-mail"] == patron.email
    rows = list(csv.DictReader(io.StringIO(report.csv_data.decode("utf-8-sig"))))
    assert len({(r["section"], r["number"]) for r in rows if r["section"] in EVERY_KIND}) == sum(
        EVERY_KIND.values()
    )
    text = pdf_text(report.pdf)
    for label in EVERY_KIND:
        assert label in text
    assert "There are no releases of your records to report." in text
    assert "What the library does not keep" in text and "3 days" in text
    assert report.pdf_sha256 == sha256(report.pdf) and report.json_sha256 == sha256(
        report.json_data
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"patron-report-every-kind-{backend}.pdf").write_bytes(report.pdf)


def test_the_report_lists_releases_in_closed_cases_and_never_a_gagged_or_open_one(app, session):
    patron = factories.patron(session)
    factories.loan(session, patron)
    shown = factories.production(
        session,
        factories.case_row(session),
        [("loans", patron.id), ("loans", patron.id), ("computer_sessions", patron.id)],
    )
    factories.production(
        session,
        factories.case_row(session, kind="nsl", gagged=True),
        [("loans", patron.id)],
        recipient="Federal Bureau of Investigation",
        authority="National Security Letter",
    )
    factories.production(
        session,
        factories.case_row(session, closed=False),
        [("loans", patron.id)],
        recipient="State Highway Patrol",
        authority="Search warrant still being handled",
    )
    request, report = _compiled_for(app, session, patron)
    data = report_json(report)
    assert report.counts["disclosures"] == 1
    [release] = data["disclosures"]
    assert release["to_whom"] == shown.recipient and release["authority"] == shown.authority
    assert release["what"] == {"Loans": 2, "Computer sessions": 1}
    everything = report.json_data + report.csv_data + pdf_text(report.pdf).encode()
    for secret in (
        b"Federal Bureau",
        b"National Security",
        b"Highway Patrol",
        b"still being handled",
    ):
        assert secret not in everything
    assert "Hillsboro Police Department" in pdf_text(report.pdf)


def test_a_gag_imposed_after_compiling_ends_the_download_of_a_report_that_lists_the_case(
    app, client, session
):
    from disclosure.cases import gag, queries

    patron, neighbour = factories.patron(session), factories.patron(session)
    case = factories.case_row(session)
    factories.production(session, case, [("loans", patron.id)], recipient="Canary County Sheriff")
    request, report = _compiled_for(app, session, patron)
    other_request, other_report = _compiled_for(app, session, neighbour)
    assert report.counts["disclosures"] == 1
    sign_in_patron(client, patron)
    assert (
        b"Canary County Sheriff"
        in client.get(f"/patron/requests/{request.public_id}/report.json").data
    )

    director = factories.user(session, "director")
    with app.app_context():
        gag.impose_gag(session, director, case, issued_by="U.S. District Court", issued_on=None)
    session.commit()

    assert client.get(f"/patron/requests/{request.public_id}/report.json").status_code == 404
    assert "The download period has ended" in client.get(
        f"/patron/requests/{request.public_id}"
    ).get_data(as_text=True)
    session.refresh(report)
    assert report.pdf is None and report.json_data is None and report.csv_data is None
    assert report.counts["disclosures"] == 0  # the desk sees counts: the gagged matter leaves them
    session.refresh(other_report)
    assert other_report.json_data is not None  # a patron the case never touched keeps their copy
    with app.app_context():  # each area's words for its events are the app's
        timeline = queries.timeline(session, director, case.id)
    told = [e.detail for e in timeline if e.action == "Patron reports withdrawn"]
    assert told == [
        "Because of the gag order: 1 patron report listing this case's production withdrawn (its "
        "download ended, the matter left its counts)."
    ]
    with app.app_context():
        again = service.ask_for_records(session, patron)
    assert b"Canary County Sheriff" not in verify(app, session, again).json_data


def test_a_report_that_does_not_list_the_gagged_case_keeps_its_download(app, client, session):
    from disclosure.cases import gag

    patron = factories.patron(session)
    request, report = _compiled_for(app, session, patron)
    case = factories.case_row(session)  # its production comes after the report was compiled
    factories.production(
        session, case, [("loans", patron.id)], produced_at=clock.now() + timedelta(minutes=1)
    )
    with app.app_context():
        gag.impose_gag(
            session,
            factories.user(session, "director"),
            case,
            issued_by="U.S. District Court",
            issued_on=None,
        )
    session.commit()
    sign_in_patron(client, patron)
    assert client.get(f"/patron/requests/{request.public_id}/report.json").status_code == 200


def test_a_report_compiled_while_its_case_was_being_gagged_is_withdrawn_when_shown_or_at_night(
    app, client, session
):
    """The gag commits after the report's compilation read the case as un-gagged, but before the
    report itself committed: the hook on the gag cannot see the report."""
    from disclosure.cases.models import Case
    from disclosure.patrons.area import drop_expired_reports

    shown, unseen = factories.patron(session), factories.patron(session)
    case = factories.case_row(session)
    factories.production(
        session,
        case,
        [("loans", shown.id), ("loans", unseen.id)],
        recipient="Canary County Sheriff",
    )
    request, report = _compiled_for(app, session, shown)
    _, unseen_report = _compiled_for(app, session, unseen)
    session.execute(
        update(Case).where(Case.id == case.id).values(gagged=True)
    )  # as the other transaction did
    session.commit()

    sign_in_patron(client, shown)
    page = client.get(f"/patron/requests/{request.public_id}").get_data(as_text=True)
    assert "The download period has ended" in page and "Canary" not in page
    assert client.get(f"/patron/requests/{request.public_id}/report.json").status_code == 404
    session.refresh(report)
    assert report.json_data is None and report.counts["disclosures"] == 0
    session.refresh(request)
    assert request.download_until <= clock.now()  # the page does not promise a later date

    with app.app_context():
        assert "1 withdrawn" in drop_expired_reports(session)  # the one nobody opened
    session.commit()
    session.refresh(unseen_report)
    assert unseen_report.json_data is None and unseen_report.counts["disclosures"] == 0


def test_a_gag_takes_the_matter_out_of_the_counts_of_reports_already_expired(app, session):
    from disclosure.cases import gag

    patron = factories.patron(session)
    case = factories.case_row(session)
    factories.production(session, case, [("loans", patron.id)])
    request, report = _compiled_for(app, session, patron)
    with app.app_context():
        clock.freeze(clock.now() + timedelta(days=15))
        service.drop_expired_report_content(session)
        gag.impose_gag(
            session,
            factories.user(session, "director"),
            case,
            issued_by="U.S. District Court",
            issued_on=None,
        )
        gag.impose_gag(
            session,
            factories.user(session, "director"),
            case,
            issued_by="U.S. District Court",
            issued_on=None,
        )
    session.commit()
    session.refresh(report)
    assert (
        report.counts["disclosures"] == 0 and report.production_ids == []
    )  # twice: still 0, not -1


def test_a_report_from_before_the_list_was_kept_is_withdrawn_and_loses_its_uncorrectable_count(
    app, session
):
    from disclosure.cases import gag

    patron = factories.patron(session)
    case = factories.case_row(session)
    factories.production(session, case, [("loans", patron.id)])
    request, report = _compiled_for(app, session, patron)
    report.production_ids = None  # as migration 0009 left older reports
    session.commit()
    with app.app_context():
        gag.impose_gag(
            session,
            factories.user(session, "director"),
            case,
            issued_by="U.S. District Court",
            issued_on=None,
        )
    session.commit()
    session.refresh(report)
    assert report.json_data is None and "disclosures" not in report.counts


def test_the_delivered_report_does_not_change_when_the_records_are_purged(app, session):
    patron = factories.patron_with_every_kind(session)
    request, report = _compiled_for(app, session, patron)
    before = report.json_data
    session.execute(delete(m.Loan).where(m.Loan.patron_id == patron.id))
    session.commit()
    session.refresh(report)
    assert report.json_data == before and sha256(report.pdf) == report.pdf_sha256
    assert report_json(report)["counts"]["loans"] == 3


def test_the_report_can_be_downloaded_for_report_download_days_then_its_copy_is_deleted(
    app, client, session
):
    clock.freeze(factories.at(2026, 3, 2, 15))
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    request = latest_request(session, patron)
    verify(app, session, request)
    assert client.get(f"/patron/requests/{request.public_id}/report.csv").status_code == 200
    assert request.download_until == clock.now() + timedelta(days=14)

    clock.freeze(factories.at(2026, 3, 16, 15) + timedelta(minutes=1))
    sign_in_patron(client, patron)  # two weeks later: the old session has ended
    assert client.get(f"/patron/requests/{request.public_id}/report.pdf").status_code == 404
    assert "The download period has ended" in client.get(
        f"/patron/requests/{request.public_id}"
    ).get_data(as_text=True)
    with app.app_context():
        assert service.drop_expired_report_content(session) == 1
        assert service.drop_expired_report_content(session) == 0  # safe to run twice
    session.commit()
    session.refresh(request.report)
    assert (
        request.report.pdf is None
        and request.report.json_data is None
        and len(request.report.pdf_sha256) == 64
    )


def test_each_request_is_due_in_patron_request_days_and_the_queue_marks_due_soon_and_overdue(
    app, client, session, login_as
):
    clock.freeze(factories.at(2026, 3, 2, 15))
    patron = factories.patron(session)
    with app.app_context():
        request = service.ask_for_records(session, patron)
    session.commit()
    assert request.due_on == clock.today() + timedelta(days=30)
    clock.freeze(factories.at(2026, 3, 27, 15))
    clerk = login_as("staff")
    assert "Due in 5 days" in client.get("/desk/patron-requests").get_data(as_text=True)
    clock.freeze(factories.at(2026, 4, 2, 15))
    login_as("staff", clerk)  # days later: a new session
    html = client.get("/desk/patron-requests").get_data(as_text=True)
    assert "Overdue by 1 day" in html and 'class="overdue"' in html
    assert "1 overdue" in client.get("/").get_data(as_text=True)


def test_the_report_names_every_kind_with_zero_where_none_is_held_in_pdf_json_and_csv(app, session):
    from disclosure.records import kinds

    patron = factories.patron(session)  # registered, one loan, and none of any other kind
    factories.loan(session, patron)
    request, report = _compiled_for(app, session, patron)
    titles = [kinds.get(key).patron_label for key in kinds.every_key()]
    held = {"Registration details": 1, "Loans": 1}
    expected = {t: held.get(t, 0) for t in titles}

    data = report_json(report)
    assert {k["kind"]: k["count"] for k in data["every_kind"]} == expected
    rows = list(csv.DictReader(io.StringIO(report.csv_data.decode("utf-8-sig"))))
    assert {r["field"]: int(r["value"]) for r in rows if r["section"] == "Records held"} == expected
    glance = " ".join(pdf_text(report.pdf).split("Releases of")[0].split())
    for title, count in expected.items():
        assert f"{count} {title}" in glance


def test_a_report_of_some_kinds_names_the_others_as_not_included(app, session):
    patron = factories.patron(session)
    with app.app_context():
        request = service.ask_for_records(session, patron, kinds=["loans"])
    report = verify(app, session, request)
    data = report_json(report)
    by_kind = {k["kind"]: k for k in data["every_kind"]}
    assert by_kind["Loans"] == {"kind": "Loans", "count": 0, "included": True}
    assert by_kind["Computer sessions"] == {
        "kind": "Computer sessions",
        "count": None,
        "included": False,
    }
    rows = list(csv.DictReader(io.StringIO(report.csv_data.decode("utf-8-sig"))))
    held = {r["field"]: r["value"] for r in rows if r["section"] == "Records held"}
    assert held["Loans"] == "0"
    assert held["Computer sessions"].startswith("not included")
    glance = " ".join(pdf_text(report.pdf).split("Releases of")[0].split())
    assert "0 Loans" in glance and "Computer sessions · not included" in glance


def test_a_long_list_of_records_is_laid_out_one_record_a_line_with_every_record_and_page_numbers(
    app, session
):
    """A kind with more records than report.TABLE_ROWS is printed as lines, not a table (fast to
    lay out); every record is still there, newest first, and the pages are numbered 'of' the
    real total."""
    from disclosure.patrons import report as reports
    from tests.documents.helpers import page_count

    patron = factories.patron(session)
    branch = factories.branch(session, name="Elm Street")
    count = reports.TABLE_ROWS + 80
    for i in range(count):
        factories.loan(session, patron, branch, days_ago=10 + i, item_title=f"Volume {i:03d} of it")
    _, report = _compiled_for(app, session, patron)
    text = pdf_text(report.pdf)
    assert f"Loans · {count}" in text
    assert "Newest first, each record starting on a new line: Title · Branch" in text
    positions = [text.index(f"Volume {i:03d} of it · Elm Street") for i in range(count)]
    assert positions == sorted(positions)  # newest (fewest days ago) first
    pages = page_count(report.pdf)
    assert pages > 2 and f"Page {pages} of {pages}" in text and f"Page 1 of {pages}" in text


def test_a_record_too_long_for_a_line_goes_on_to_an_indented_line_of_its_own(app, session):
    """In a long list, a record that fits on a line (a computer session) takes one line; a longer
    one (a loan) goes on to a second line set in under its first, so that its second line is not
    read as the next record. Every record is there, in order."""
    from disclosure.patrons import gather
    from disclosure.patrons import report as reports

    patron = factories.patron(session)
    branch = factories.branch(session, name="Elm Street")
    station = factories.workstation(session, branch, code="PC-7")
    count = reports.TABLE_ROWS + 5
    for i in range(count):
        factories.computer_session(session, station, patron, days_ago=2 + i)
        factories.loan(session, patron, branch, days_ago=10 + i, item_title=f"A Long Title {i}")
    with app.app_context():
        document = reports.build_document(
            session, patron, gather.Scope(), purpose="request", reference="PR-00001"
        )
        sections = {s["kind"]: s for s in reports.pdf_sections(document)}
    sessions = "\n".join(sections["computer_sessions"]["blocks"]).split("\n")
    loans = "\n".join(sections["loans"]["blocks"]).split("\n")
    assert len(sessions) == count and all(line.startswith("PC-7 · ") for line in sessions)
    assert len(loans) == 2 * count
    assert [line.split(" · ")[0] for line in loans[::2]] == [
        f"A Long Title {i}" for i in range(count)
    ]
    assert all(line.startswith(reports.INDENT) for line in loans[1::2])
    _, report = _compiled_for(app, session, patron)
    text = " ".join(pdf_text(report.pdf).split())
    assert f"Computer sessions · {count}" in text and f"Loans · {count}" in text
    positions = [text.index(f"A Long Title {i} · Elm Street") for i in range(count)]
    assert positions == sorted(positions)


def test_counts_of_a_thousand_and_more_are_grouped_as_the_reports_language_writes_them(app):
    """'4,000 Loans' in English, '4.000' in Spanish: a report's counts are read at a glance."""
    from flask import render_template_string

    from disclosure import i18n

    with app.test_request_context():
        assert render_template_string("{{ 4000|number }} · {{ 12|number }}") == "4,000 · 12"
        with i18n.speaking("es"):
            assert render_template_string("{{ 4000|number }}") == "4.000"
