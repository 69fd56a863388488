"""A small library built through the real services, twice: once plain, once with one gagged
case (and everything hanging off it) added. The twin test compares what people see in both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from disclosure import clock
from disclosure.cases import gag, intake, productions, service
from disclosure.cases.uploads import Scan
from tests import factories
from tests.gag import draws

# Unique strings of the gagged case: none may ever reach anyone outside its circle.
CANARY_CAPTION = "CANARYCAPTION7731"
CANARY_OFFICER = "Agent Quill CANARYOFFICER4402"
CANARY_DOCKET = "CANARYDOCKET9918"
CANARIES = ("CANARY",)  # every canary contains this

FROZEN_AT = factories.at(2026, 11, 16, 15)
PASSWORD = factories.PASSWORD
PIN = factories.PIN
CHECKLIST = {
    name: True
    for name in (
        "competent_court",
        "good_cause",
        "proper_form",
        "signed",
        "in_date",
        "within_jurisdiction",
    )
}
PDF_SCAN = b"%PDF-1.4\n% " + CANARY_CAPTION.encode() + b"\n%%EOF\n"


@dataclass
class World:
    """Usernames and card numbers, the same in both twins."""

    outside: tuple[str, ...] = ("clerk_other", "sup_other", "counsel_other", "admin")
    told_by_design: tuple[str, ...] = (
        "clerk_logger",
        "sup_logger",
    )  # the receipt; 'a restricted matter was routed'
    circle: tuple[str, ...] = ("director", "counsel_gag", "member")
    patrons: tuple[str, ...] = ("21000000000501", "21000000000502")


def build(session, *, with_gag: bool) -> None:
    """Fill an empty database; the gagged case is made last, so every other id is the same in
    both (and draws its public ids and number offstage: tests/gag/draws.py)."""
    import itertools

    clock.freeze(FROZEN_AT)
    factories._counter = itertools.count(1)  # the twins must get the same barcodes, addresses, ...
    u = _users(session)
    touched, other = _records(session)
    _plain_cases(session, u, other)
    session.commit()
    if with_gag:
        with draws.offstage():
            _gagged_case(session, u, touched)
            session.commit()
    _patron_reports(session, u, touched, other)
    session.commit()


def _users(session) -> dict:
    u = {}
    for name, role in (
        ("director", "director"),
        ("counsel_gag", "counsel"),
        ("counsel_other", "counsel"),
        ("sup_logger", "supervisor"),
        ("sup_other", "supervisor"),
        ("admin", "admin"),
        ("member", "supervisor"),
    ):
        u[name] = factories.user(
            session, role, username=name, full_name=name.replace("_", " ").title()
        )
    u["clerk_logger"] = factories.user(
        session,
        "staff",
        username="clerk_logger",
        full_name="Clerk Logger",
        supervisor_id=u["sup_logger"].id,
    )
    u["clerk_other"] = factories.user(
        session,
        "staff",
        username="clerk_other",
        full_name="Clerk Other",
        supervisor_id=u["sup_other"].id,
    )
    return u


def _records(session):
    branch = factories.branch(session, code="HQ", name="Headquarters")
    pc1 = factories.workstation(session, branch, code="HQ-PC01")
    factories.workstation(session, branch, code="HQ-PC02")
    touched = factories.patron(session, card_number="21000000000501", name="Tess Touched")
    other = factories.patron(session, card_number="21000000000502", name="Oscar Other")
    for who in (touched, other):
        factories.loan(session, who, branch, days_ago=20, returned_days_ago=12)
        factories.computer_session(session, pc1, who, days_ago=1)
    return touched, other


def _plain_cases(session, u, other) -> None:
    """A closed subpoena with a production, and an informal request still with the Director."""
    subpoena = intake.log_request(
        session,
        u["clerk_other"],
        intake.Intake(
            kind="subpoena",
            officer_name="Det. Ray Plain",
            officer_agency="Hillsboro Police Department",
            records_sought="Loans of one patron in October",
            patron_cards=[other.card_number],
            court="Circuit Court of Jefferson County",
            docket_number="26JE-CR00777",
        ),
    )
    service.assign_counsel(
        session, u["director"], subpoena, u["counsel_other"], clock.today() + timedelta(days=5)
    )
    service.record_advice(
        session,
        u["counsel_other"],
        subpoena,
        advice="Valid; comply.",
        recommendation="comply",
        checklist=CHECKLIST,
    )
    service.decide(session, u["director"], subpoena, "comply")
    productions.freeze(
        session,
        u["director"],
        subpoena,
        productions.Criteria(kinds=["loans"], card_number=other.card_number),
        recipient="Hillsboro Police Department",
        authority="Subpoena 26JE-CR00777",
    )
    service.close(session, u["director"], subpoena, "Complied with the subpoena.")
    intake.log_request(
        session,
        u["clerk_other"],
        intake.Intake(
            kind="informal",
            officer_name="Officer Lee Plain",
            officer_agency="Festus Police",
            records_sought="Who used PC 2 yesterday",
        ),
    )
    preservation = intake.log_request(
        session,
        u["clerk_other"],
        intake.Intake(
            kind="preservation",
            officer_name="Det. Ray Plain",
            officer_agency="Hillsboro Police Department",
            records_sought="Preserve one patron's loans",
            patron_cards=[other.card_number],
        ),
    )
    _hold(
        session,
        u["director"],
        preservation,
        "Det. Ray Plain, Hillsboro Police Department",
        [other.card_number],
        ["loans"],
    )


def _gagged_case(session, u, touched) -> None:
    """An NSL naming the touched patron: counsel, a scan, a member, a production, closed."""
    case = intake.log_request(
        session,
        u["clerk_logger"],
        intake.Intake(
            kind="nsl",
            officer_name=CANARY_OFFICER,
            officer_agency="FBI " + CANARY_CAPTION,
            records_sought=f"All records of the patron in {CANARY_CAPTION}",
            patron_cards=[touched.card_number],
            workstation_codes=["HQ-PC01"],
            docket_number=CANARY_DOCKET,
            scans=[Scan("nsl.pdf", PDF_SCAN)],
        ),
    )
    _hold(
        session,
        u["director"],
        case,
        CANARY_OFFICER,
        [touched.card_number],
        ["loans", "computer_sessions", "patrons"],
    )
    service.assign_counsel(
        session, u["director"], case, u["counsel_gag"], clock.today() + timedelta(days=3)
    )
    service.record_advice(
        session,
        u["counsel_gag"],
        case,
        advice=f"Comply narrowly ({CANARY_CAPTION}).",
        recommendation="comply",
        checklist=CHECKLIST,
    )
    gag.add_member(session, u["director"], case, u["member"])
    service.decide(session, u["director"], case, "comply")
    productions.freeze(
        session,
        u["director"],
        case,
        productions.Criteria(kinds=["loans", "computer_sessions"], card_number=touched.card_number),
        recipient=CANARY_OFFICER,
        authority=f"NSL {CANARY_DOCKET}",
    )
    service.close(session, u["director"], case, f"Complied ({CANARY_CAPTION}).")


def _hold(
    session, director, case, requested_by: str, cards: list[str], categories: list[str]
) -> None:
    from disclosure.holds.service import HoldRequest, place_hold

    place_hold(
        session,
        director,
        case,
        HoldRequest(
            categories=categories,
            requested_on=clock.today(),
            requested_by=requested_by,
            patron_cards=cards,
            workstation_codes=[],
        ),
    )


def _patron_reports(session, u, touched, other) -> None:
    """Both patrons asked for their records and staff verified them: reports compiled after the
    gagged case."""
    from disclosure.patrons import service as patrons

    for who in (touched, other):
        request = patrons.ask_for_records(session, who)
        patrons.verify_and_compile(session, u["clerk_other"], request, id_kind="drivers_license")
        patrons.compile_report(session, request)  # the scheduler's work, done here at once
