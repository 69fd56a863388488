"""The preservation store (docs/rules.md R-hold-preserved-apart): a held record leaves ordinary
use on schedule and its copy stays with the hold; the Director sees the copies per hold (viewing
them is audited); a production of the case draws on them and says so; a copy goes at the first
purge after its last hold ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from disclosure import clock
from disclosure.audit.models import AuditEvent
from disclosure.cases import productions, service
from disclosure.documents import holdwords
from disclosure.holds import preservation
from disclosure.holds.models import PreservedRecord, PreservedRecordHold
from disclosure.holds.preservation import read_content
from disclosure.patrons import service as patrons
from disclosure.records import models as m
from disclosure.retention import purge
from tests import factories as f

NOW = f.at(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(NOW)


def run_purge(session):
    session.flush()
    return purge.run_purge(session.connection())


def copies(session, kind: str) -> list[PreservedRecord]:
    return list(session.scalars(select(PreservedRecord).where(PreservedRecord.kind == kind)))


def test_a_held_loan_leaves_ordinary_use_on_schedule_and_its_copy_stays_with_the_hold(session):
    patron = f.patron(session)
    held = f.loan(session, patron, days_ago=100, returned_days_ago=90, item_title="Held Title")
    recent = f.loan(session, patron, days_ago=20, returned_days_ago=10)
    hold = f.hold(session, patrons=[patron], categories=["loans"])
    run_purge(session)
    assert set(session.scalars(select(m.Loan.id))) == {recent.id}
    [copy] = copies(session, "loans")
    content = read_content(copy)
    assert (copy.original_id, copy.why, copy.preserved_at) == (held.id, "purge", NOW)
    assert (content["item_title"], content["patron_id"]) == ("Held Title", patron.id)
    assert [h.hold_id for h in session.scalars(select(PreservedRecordHold))] == [hold.id]


def test_a_copy_two_holds_keep_stays_until_the_last_of_them_ends(session):
    patron = f.patron(session)
    f.loan(session, patron, days_ago=100, returned_days_ago=90)
    short = f.hold(session, patrons=[patron], categories=["loans"], days=10)
    f.hold(session, patrons=[patron], categories=["loans"], days=40)
    run_purge(session)
    assert len(copies(session, "loans")) == 1
    clock.freeze(NOW + timedelta(days=20))  # the first hold has ended, the second has not
    report = run_purge(session)
    assert len(copies(session, "loans")) == 1 and report.results["loans"].copies_removed == 0
    assert not short.is_active()
    clock.freeze(NOW + timedelta(days=41))
    report = run_purge(session)
    assert copies(session, "loans") == [] and report.results["loans"].copies_removed == 1


def test_an_anonymised_interlibrary_loan_keeps_its_personal_data_in_the_store(session):
    patron = f.patron(session)
    ill = f.interlibrary_loan(session, patron, completed_days_ago=5)
    title = ill.title
    f.hold(session, patrons=[patron], categories=["interlibrary_loans"])
    run_purge(session)
    session.refresh(ill)
    assert (ill.patron_id, ill.title) == (None, None)
    [copy] = copies(session, "interlibrary_loans")
    assert copy.why == "anonymisation"
    assert (read_content(copy)["patron_id"], read_content(copy)["title"]) == (patron.id, title)


def test_completing_a_correction_under_a_hold_keeps_the_prior_version(session):
    patron = f.patron(session)
    f.hold(session, patrons=[patron], categories=["patrons"])
    correction = patrons.ask_for_correction(session, patron, "New address: 14 Oak St.")
    patrons.complete_correction(session, f.user(session, "staff"), correction, "Address updated")
    assert correction.done_at is not None
    [copy] = copies(session, "patrons")
    assert (copy.original_id, copy.why) == (patron.id, "corrected")
    assert read_content(copy)["address"] == patron.address
    assert "pin_hash" not in read_content(copy)  # a secret, not a record


def test_a_production_of_the_case_includes_its_preserved_records_and_says_which(
    session, app_context
):
    director = f.user(session, "director")
    case = f.advised_case(session, director=director)
    service.decide(session, director, case, "comply")
    patron = f.patron(session)
    old = f.loan(session, patron, days_ago=100, returned_days_ago=90, item_title="Old Title")
    current = f.loan(session, patron, days_ago=20, returned_days_ago=10)
    other_case = f.held_case(session)
    f.hold(session, case, patrons=[patron], categories=["loans"])
    f.hold(session, other_case, patrons=[patron], categories=["loans"])
    run_purge(session)
    production = productions.freeze(
        session,
        director,
        case,
        productions.Criteria(kinds=["loans"], card_number=patron.card_number),
        recipient="Det. Hale",
        authority="Subpoena",
    )
    items = {i.record_id: i.data for i in production.items}
    assert set(items) == {old.id, current.id}
    assert items[old.id]["source"] == productions.PRESERVED
    assert items[old.id]["item_title"] == "Old Title"
    assert "source" not in items[current.id]
    exported = productions.export_json(case, production).decode()
    assert "Old Title" in exported and productions.PRESERVED in exported


def test_a_production_of_another_case_does_not_draw_on_this_holds_copies(session, app_context):
    director = f.user(session, "director")
    case = f.advised_case(session, director=director)
    service.decide(session, director, case, "comply")
    patron = f.patron(session)
    f.loan(session, patron, days_ago=100, returned_days_ago=90)
    current = f.loan(session, patron, days_ago=20, returned_days_ago=10)
    f.hold(session, f.held_case(session), patrons=[patron], categories=["loans"])
    run_purge(session)
    picked = productions.select_records(
        session, productions.Criteria(kinds=["loans"], card_number=patron.card_number), case
    )
    assert [r.record_id for r in picked] == [current.id]


def test_the_directors_preservation_pages_show_counts_and_the_records_audited(
    client, login_as, session
):
    director = login_as("director")
    patron = f.patron(session)
    f.loan(session, patron, days_ago=100, returned_days_ago=90, item_title="Kept Title")
    f.loan(session, patron, days_ago=100, returned_days_ago=80)
    hold = f.hold(session, patrons=[patron], categories=["loans"], placed_by=director)
    run_purge(session)
    session.commit()
    page = client.get(f"/holds/{hold.public_id}").get_data(as_text=True)
    assert "Preserved copies" in page
    assert f'href="/holds/{hold.public_id}/preserved/loans">Loans (circulation history)</a>' in page
    assert '<td class="num">2</td>' in page
    assert not session.scalars(
        select(AuditEvent).where(AuditEvent.action == "hold.preserved_viewed")
    ).all()
    records = client.get(f"/holds/{hold.public_id}/preserved/loans").get_data(as_text=True)
    assert "Kept Title" in records and "past its retention period (purge)" in records
    [event] = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "hold.preserved_viewed")
    ).all()
    assert (event.actor_user_id, event.object_id, event.detail) == (
        director.id,
        hold.id,
        "kind=loans copies=2 page=1",
    )
    assert client.get(f"/holds/{hold.public_id}/preserved/no_such_kind").status_code == 404


def test_the_preserved_copies_are_shown_a_page_at_a_time(client, login_as, session):
    login_as("director")
    patron = f.patron(session)
    many = preservation.COPIES_PER_PAGE + 2
    for n in range(many):
        f.loan(session, patron, days_ago=100, returned_days_ago=90, item_title=f"Title {n:03d}")
    hold = f.hold(session, patrons=[patron], categories=["loans"])
    run_purge(session)
    session.commit()
    first = client.get(f"/holds/{hold.public_id}/preserved/loans").get_data(as_text=True)
    assert first.count("<dt>item_title</dt>") == preservation.COPIES_PER_PAGE
    assert f"1–{preservation.COPIES_PER_PAGE} of {many}" in first and 'rel="next"' in first
    second = client.get(f"/holds/{hold.public_id}/preserved/loans?page=2").get_data(as_text=True)
    assert second.count("<dt>item_title</dt>") == 2
    details = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "hold.preserved_viewed")
    ).all()
    assert sorted(details) == [
        f"kind=loans copies={many} page=1",
        f"kind=loans copies={many} page=2",
    ]


def test_an_expired_patron_a_hold_names_leaves_ordinary_use_and_a_production_finds_them(
    app, client, login_as, session
):
    """docs/rules.md R-hold-preserved-apart: an expired patron follows the schedule like any
    record; their registration and their held records go into the store first."""
    director = login_as("director")
    case = f.advised_case(session, director=director)
    service.decide(session, director, case, "comply")
    patron = f.patron(session, card_expires_on=clock.today() - timedelta(days=400))
    loan = f.loan(session, patron, days_ago=100, returned_days_ago=90, item_title="Old Title")
    recent = f.loan(session, patron, days_ago=20, returned_days_ago=10, item_title="New Title")
    hold = f.hold(session, case, patrons=[patron], categories=["loans"], placed_by=director)
    card = patron.card_number
    report = run_purge(session)
    session.commit()
    assert session.scalar(select(m.Patron).where(m.Patron.card_number == card)) is None
    assert set(session.scalars(select(m.Loan.id))) == set()  # both went, the recent one with them
    [registration] = copies(session, "patrons")
    assert read_content(registration)["card_number"] == card
    assert {c.original_id for c in copies(session, "loans")} == {loan.id, recent.id}
    assert (report.results["patrons"].deleted, report.results["patrons"].preserved) == (1, 1)
    assert report.results["loans"].preserved == 2
    with app.app_context():
        picked = productions.select_records(
            session, productions.Criteria(kinds=["loans"], card_number=card), case
        )
    assert [(r.record_id, r.data["source"], r.data["patron_card_number"]) for r in picked] == [
        (loan.id, productions.PRESERVED, card),
        (recent.id, productions.PRESERVED, card),
    ]
    page = client.get(f"/holds/{hold.public_id}/preserved/patrons").get_data(as_text=True)
    assert card in page
    records = client.get(f"/holds/{hold.public_id}/preserved/loans").get_data(as_text=True)
    assert "Old Title" in records and "New Title" in records
    # the hold still names the card it was placed on: on its page and in its letters, never as
    # a hold on every patron's records
    assert f"card {card}" in client.get(f"/holds/{hold.public_id}").get_data(as_text=True)
    session.refresh(hold)
    assert holdwords.summary(session, hold)["narrowed"] == [
        f"Records of the patron with library card ending {card[-4:]}"
    ]
