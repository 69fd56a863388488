"""Preservation holds: 90 days, one renewal of up to 90 more, never beyond 180 (docs/rules.md
R-hold-90-90)."""

from datetime import date, timedelta

import pytest

from disclosure import clock
from disclosure.errors import DomainError
from disclosure.holds import coverage
from disclosure.holds.service import HoldRequest, place_hold, release_hold, renew_hold
from tests import factories as f

START = f.at(2026, 3, 2, 15)


def request(**overrides) -> HoldRequest:
    values = dict(
        categories=["loans", "computer_sessions"],
        requested_on=clock.today(),
        requested_by="Det. R. Vance, Jefferson County Sheriff",
        patron_cards=[],
        workstation_codes=[],
    )
    values.update(overrides)
    return HoldRequest(**values)


@pytest.fixture
def director(session):
    return f.user(session, "director")


@pytest.fixture
def held_loan(session):
    """A loan returned long ago (due for the purge) of a patron a hold will name."""
    clock.freeze(START)
    patron = f.patron(session)
    return patron, f.loan(session, patron, days_ago=200, returned_days_ago=190)


def test_a_hold_expires_after_90_days(session, director, held_loan):
    patron, loan = held_loan
    hold, _ = place_hold(
        session, director, f.held_case(session), request(patron_cards=[patron.card_number])
    )
    assert hold.expires_at == START + timedelta(days=90)
    clock.freeze(START + timedelta(days=89, hours=23))
    assert coverage.record_is_held(session, "loans", loan.id)
    clock.freeze(START + timedelta(days=90))
    assert not coverage.record_is_held(session, "loans", loan.id)
    assert hold.status() == "expired"


def test_a_hold_lasts_90_days_from_the_request_not_from_its_entry(session, director):
    clock.freeze(START)
    hold, _ = place_hold(
        session, director, f.held_case(session), request(requested_on=date(2026, 2, 25))
    )
    assert clock.local(hold.expires_at).date() == date(2026, 2, 25) + timedelta(days=90)


def test_a_hold_renews_once_by_at_most_90_days(session, director, held_loan):
    patron, loan = held_loan
    hold, _ = place_hold(
        session, director, f.held_case(session), request(patron_cards=[patron.card_number])
    )
    clock.freeze(START + timedelta(days=80))
    renew_hold(
        session, director, hold, requested_on=clock.today(), requested_by="Det. R. Vance", days=90
    )
    assert hold.expires_at == START + timedelta(days=180)
    assert hold.renewal_requested_by == "Det. R. Vance" and hold.renewed_by_id == director.id
    clock.freeze(START + timedelta(days=179))
    assert coverage.record_is_held(session, "loans", loan.id)
    with pytest.raises(DomainError, match="already renewed"):
        renew_hold(
            session,
            director,
            hold,
            requested_on=clock.today(),
            requested_by="Det. R. Vance",
            days=1,
        )


def test_a_hold_never_exceeds_180_days(session, director):
    clock.freeze(START)
    hold, _ = place_hold(session, director, f.held_case(session), request())
    with pytest.raises(DomainError) as refused:
        renew_hold(
            session,
            director,
            hold,
            requested_on=clock.today(),
            requested_by="Det. R. Vance",
            days=91,
        )
    assert "180 days in all" in refused.value.message
    assert hold.renewed_at is None and hold.expires_at == START + timedelta(days=90)
    renew_hold(
        session, director, hold, requested_on=clock.today(), requested_by="Det. R. Vance", days=60
    )
    assert hold.expires_at - hold.requested_at == timedelta(days=150)


def test_an_ended_hold_cannot_be_renewed(session, director):
    clock.freeze(START)
    hold, _ = place_hold(session, director, f.held_case(session), request())
    clock.freeze(START + timedelta(days=91))
    with pytest.raises(DomainError, match="has ended"):
        renew_hold(
            session,
            director,
            hold,
            requested_on=clock.today(),
            requested_by="Det. R. Vance",
            days=30,
        )


def test_a_hold_on_a_case_with_a_court_order_lasts_until_the_case_is_closed(
    session, director, held_loan
):
    patron, loan = held_loan
    case = f.held_case(session, court_order_received=True)
    place_hold(session, director, case, request(patron_cards=[patron.card_number]))
    clock.freeze(START + timedelta(days=400))
    assert coverage.record_is_held(session, "loans", loan.id)
    case.closed_at = clock.now()
    session.flush()
    assert not coverage.record_is_held(session, "loans", loan.id)


def test_the_director_releases_a_hold_early_with_a_reason(session, director, held_loan):
    patron, loan = held_loan
    hold, _ = place_hold(
        session, director, f.held_case(session), request(patron_cards=[patron.card_number])
    )
    with pytest.raises(DomainError, match="reason"):
        release_hold(session, director, hold, "  ")
    release_hold(session, director, hold, "The agency withdrew its request.")
    assert hold.status() == "released"
    assert not coverage.record_is_held(session, "loans", loan.id)


def test_placing_a_hold_shows_how_many_records_it_covers_per_kind(session, director):
    clock.freeze(START)
    patron, other = f.patron(session), f.patron(session)
    for _ in range(3):
        f.loan(session, patron)
    f.loan(session, other)
    f.computer_session(session, patron_obj=patron)
    _, counts = place_hold(
        session, director, f.held_case(session), request(patron_cards=[patron.card_number])
    )
    assert counts == {"loans": 3, "computer_sessions": 1}


def test_workstations_narrow_only_computer_sessions(session, director):
    clock.freeze(START)
    station = f.workstation(session)
    with pytest.raises(DomainError, match="Workstations narrow only computer") as refused:
        place_hold(
            session, director, f.held_case(session), request(workstation_codes=[station.code])
        )
    assert refused.value.field == "workstation_codes"
    hold, _ = place_hold(
        session,
        director,
        f.held_case(session),
        request(categories=["computer_sessions"], workstation_codes=[station.code.lower()]),
    )
    assert hold.scope == "workstations"


def test_a_branch_cannot_narrow_records_not_tied_to_a_branch(session, director):
    clock.freeze(START)
    branch = f.branch(session)
    with pytest.raises(DomainError, match="not tied to a branch"):
        place_hold(
            session,
            director,
            f.held_case(session),
            request(categories=["interlibrary_loans"], branch_id=branch.id),
        )


def test_an_unknown_card_number_is_refused_beside_the_field(session, director):
    clock.freeze(START)
    with pytest.raises(DomainError) as refused:
        place_hold(
            session, director, f.held_case(session), request(patron_cards=["29999999999999"])
        )
    assert refused.value.field == "patron_cards"


def test_a_closed_case_takes_no_new_hold(session, director):
    clock.freeze(START)
    with pytest.raises(DomainError, match="closed"):
        place_hold(session, director, f.held_case(session, closed_at=clock.now()), request())


def test_patron_is_held_while_any_record_of_theirs_is_covered(session, director):
    clock.freeze(START)
    patron = f.patron(session)
    f.computer_session(session, patron_obj=patron)
    assert not coverage.patron_is_held(session, patron.id)
    hold, _ = place_hold(
        session,
        director,
        f.held_case(session),
        request(categories=["computer_sessions"], window_from=clock.today() - timedelta(days=3)),
    )
    assert coverage.patron_is_held(session, patron.id)
    release_hold(session, director, hold, "Withdrawn.")
    assert not coverage.patron_is_held(session, patron.id)


def test_placing_renewing_and_releasing_are_audited_without_personal_data(
    session, director, held_loan
):
    from disclosure.audit.service import events_for

    patron, _ = held_loan
    hold, _ = place_hold(
        session, director, f.held_case(session), request(patron_cards=[patron.card_number])
    )
    renew_hold(
        session, director, hold, requested_on=clock.today(), requested_by="Det. R. Vance", days=30
    )
    release_hold(session, director, hold, f"Patron {patron.name} cleared")
    events = events_for(session, "hold", hold.id)
    assert [e.action for e in events] == ["hold.placed", "hold.renewed", "hold.released"]
    text = " ".join(e.detail for e in events)
    assert patron.card_number not in text and patron.name not in text and "loans=1" in text


def test_a_second_hold_on_the_same_case_never_keeps_records_past_180_days(session, director):
    patron = f.patron(session)
    case = f.held_case(session)
    clock.freeze(f.at(2026, 1, 5))
    first, _ = place_hold(session, director, case, request(patron_cards=[patron.card_number]))
    clock.freeze(f.at(2026, 6, 1))  # 147 days later: the agency asks again
    second, _ = place_hold(session, director, case, request(patron_cards=[patron.card_number]))
    assert second.expires_at == first.requested_at + timedelta(days=180)
    clock.freeze(f.at(2026, 7, 10))  # past 180 days: refused, with the reason
    with pytest.raises(DomainError, match="at most 180 days from it"):
        place_hold(session, director, case, request(patron_cards=[patron.card_number]))
