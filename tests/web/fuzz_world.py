"""The library the form fuzzer works in: the twin test's world (a gagged case included) and a
little more, so that every route has a row to name and the Director's forms meet cases in each
state they act on."""

from __future__ import annotations

from datetime import timedelta

from disclosure import clock
from tests.gag import world


def build(session) -> None:
    """Fill an empty database (the clock frozen at the twin world's instant while it is built)."""
    world.build(session, with_gag=True)
    _more_world(session)
    session.commit()
    clock.freeze(None)


def _more_world(session) -> None:
    from disclosure.auth import service as auth
    from disclosure.auth.models import User
    from disclosure.breaches import service as breaches
    from disclosure.cases import intake, service
    from disclosure.documents import service as documents
    from disclosure.documents.models import DocumentKind
    from disclosure.patrons import consent
    from disclosure.patrons import service as patrons
    from tests import factories

    def user(name):
        return session.query(User).filter_by(username=name).one()

    clock.freeze(world.FROZEN_AT)
    for n in (1, 2):
        factories.user(session, "staff", username=f"target{n}", full_name=f"Target {n}")
    case = intake.log_request(
        session,
        user("clerk_other"),
        intake.Intake(
            kind="subpoena",
            officer_name="Det. Fuzz Open",
            officer_agency="Festus Police",
            records_sought="Loans of one patron",
            patron_cards=[world.World.patrons[1]],
            workstation_codes=["HQ-PC01"],
            court="Circuit Court",
            docket_number="26JE-CR01000",
        ),
    )
    service.assign_counsel(
        session, user("director"), case, user("counsel_other"), clock.today() + timedelta(days=5)
    )
    documents.start_letter(session, user("director"), case, DocumentKind.PROPER_PROCESS_REQUIRED)
    _open_cases(session, user, case)
    consent.record_consent(
        session,
        user("clerk_other"),
        card_number=world.World.patrons[1],
        recipient="A. Lawyer",
        kinds=["loans"],
        covers_from=None,
        covers_to=None,
        signed_on=clock.today(),
        valid_from=clock.today(),
        valid_until=clock.today() + timedelta(days=30),
        signed_by_guardian=False,
        recipient_is_not_government=True,
        scan=b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n",
    )
    unheld = factories.patron(session, card_number="21000000000503", name="Una Unheld")
    patrons.ask_for_correction(session, unheld, "My address is wrong.")
    breaches.record_breach(
        session,
        user("director"),
        found_at=clock.now() - timedelta(hours=2),
        what_happened="A laptop with an export was left on a bus.",
        record_kinds=["loans"],
        patrons_affected=40,
    )
    auth.name_acting_director(
        session,
        user("director"),
        user("target2"),
        clock.now() + timedelta(days=1),
        clock.now() + timedelta(days=10),
    )


def _open_cases(session, user, under_review) -> None:
    """Cases in the states the Director's forms act on: advice recorded (a decision may follow),
    an emergency (a waiver), a gag (its circle), and an active hold (renew, release)."""
    from disclosure.cases import gag, intake, service
    from disclosure.holds.service import HoldRequest, place_hold

    advised = intake.log_request(
        session,
        user("clerk_other"),
        intake.Intake(
            kind="court_order",
            officer_name="Det. Two",
            officer_agency="Festus Police",
            records_sought="Loans",
        ),
    )
    service.assign_counsel(
        session, user("director"), advised, user("counsel_other"), clock.today() + timedelta(days=5)
    )
    service.record_advice(
        session,
        user("counsel_other"),
        advised,
        advice="Comply.",
        recommendation="comply",
        checklist=world.CHECKLIST,
    )
    intake.log_request(
        session,
        user("clerk_other"),
        intake.Intake(
            kind="exigent",
            officer_name="Sgt. Three",
            officer_agency="Festus Police",
            records_sought="Who used PC 1: a child is missing",
        ),
    )
    gagged = intake.log_request(
        session,
        user("clerk_other"),
        intake.Intake(
            kind="subpoena",
            officer_name="Agent Four",
            officer_agency="FBI",
            records_sought="Sessions on PC 1",
        ),
    )
    gag.impose_gag(
        session, user("director"), gagged, issued_by="U.S. District Court", issued_on=None
    )
    place_hold(
        session,
        user("director"),
        under_review,
        HoldRequest(
            categories=["loans"],
            requested_on=clock.today(),
            requested_by="Det. Fuzz Open, Festus Police",
            patron_cards=[world.World.patrons[1]],
            workstation_codes=[],
        ),
    )
