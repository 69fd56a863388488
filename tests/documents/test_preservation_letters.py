"""The preservation letters: what is preserved and until which date; the renewal is the last."""

from __future__ import annotations

from datetime import timedelta

import pytest

from disclosure import clock
from disclosure.documents import service
from disclosure.documents.models import DocumentKind
from disclosure.errors import DomainError
from tests import factories
from tests.documents.helpers import pdf_text, save_png

holds = pytest.importorskip("disclosure.holds.models")

NOW = factories.at(2026, 3, 9, 15)


def _hold(session, case, director, *, renewed: bool = False):
    requested = factories.at(2026, 3, 2, 16)
    patron = factories.patron(session, card_number="21000000004471")
    station = factories.workstation(session, code="HB-PC-07")
    hold = holds.Hold(
        case_id=case.id,
        requested_at=requested,
        requested_by="Det. Maria Alvarez, Jefferson County Sheriff's Office",
        expires_at=requested + timedelta(days=180 if renewed else 90),
        placed_at=requested + timedelta(hours=2),
        placed_by_id=director.id,
        scope=holds.Scope.PATRONS.value,
        window_start=factories.at(2026, 2, 27, 20),
        window_end=factories.at(2026, 2, 28, 0),
    )
    hold.set_categories(["computer_sessions", "loans"])
    hold.patrons = [holds.HoldPatron.naming(patron)]
    hold.workstations = [holds.HoldWorkstation(workstation_id=station.id)]
    if renewed:
        hold.renewed_at = factories.at(2026, 5, 20, 15)
        hold.renewal_requested_at = factories.at(2026, 5, 19, 15)
        hold.renewed_by_id = director.id
    session.add(hold)
    session.flush()
    return hold


def test_preservation_confirmed_says_what_is_preserved_and_until_when(
    session, app_context, backend
):
    clock.freeze(NOW)
    director = factories.user(session, "director", full_name="Dana Whitfield")
    case = factories.documents_case(
        session, kind="preservation", number=21, court=None, docket_number=None, issued_on=None
    )
    _hold(session, case, director)
    document = service.start_letter(session, director, case, DocumentKind.PRESERVATION_CONFIRMED)
    service.finalize(session, director, document)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "letter-preservation-confirmed", backend)
    assert "2026-0021" in text and "At your request of March 2, 2026" in text
    assert "until May 31, 2026" in text  # 90 days from the request
    assert (
        "Computer sign-up and session logs" in text
        and "card ending 4471" in text
        and "HB-PC-07" in text
    )
    assert "up to 90 more days" in text and "more than 180 days in all" in text
    assert "21000000004471" not in text  # never a whole card number


def test_preservation_renewed_gives_the_new_date_and_says_no_further_renewal(
    session, app_context, backend
):
    clock.freeze(factories.at(2026, 5, 20, 16))
    director = factories.user(session, "director", full_name="Dana Whitfield")
    case = factories.documents_case(
        session, kind="preservation", number=22, court=None, docket_number=None, issued_on=None
    )
    _hold(session, case, director, renewed=True)
    document = service.start_letter(session, director, case, DocumentKind.PRESERVATION_RENEWED)
    service.finalize(session, director, document)
    text = pdf_text(document.pdf)
    save_png(document.pdf, "letter-preservation-renewed", backend)
    assert "until August 29, 2026" in text  # 180 days from the request
    assert "no further renewal is possible" in text and "180 days" in text


def test_a_renewal_letter_needs_a_renewed_hold(session, app_context):
    director = factories.user(session, "director")
    case = factories.documents_case(session, kind="preservation")
    _hold(session, case, director)
    with pytest.raises(DomainError, match="not been renewed"):
        service.start_letter(session, director, case, DocumentKind.PRESERVATION_RENEWED)
