"""Every pair of dates a form takes hangs together (docs/rules.md R-form-dates): one table, one
row per rule, each form's dates as the service checks them (a form is only the first check).
Each row is first called with dates that hang together (accepted), then with the one date that
breaks the rule: refused, with words a person can act on, beside the field that is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest

from disclosure import clock
from disclosure.auth import service as auth_service
from disclosure.auth.forms import ActingDirectorForm
from disclosure.cases import gag, intake, productions
from disclosure.cases import service as case_service
from disclosure.cases.forms import (
    AssignCounselForm,
    GagForm,
    IntakeForm,
    ProductionForm,
    WaiverForm,
)
from disclosure.errors import DomainError
from disclosure.holds import service as hold_service
from disclosure.holds.forms import HoldForm, RenewForm
from disclosure.patrons import consent
from disclosure.patrons import service as patron_service
from disclosure.patrons.forms import AskForm, ConsentForm
from tests import factories as f

NOW = f.at(2026, 12, 2, 15)
TODAY = date(2026, 12, 2)
PDF = b"%PDF-1.4\n% a scanned consent\n"


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def moment(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


# The form whose field shows each refusal (lifecycle puts a DomainError beside its field).
FORMS = {
    "consent": ConsentForm,
    "gag": GagForm,
    "hold request": HoldForm,
    "hold renewal": RenewForm,
    "production": ProductionForm,
    "counsel": AssignCounselForm,
    "exigent waiver": WaiverForm,
    "patron's request": AskForm,
    "intake": IntakeForm,
    "acting Director": ActingDirectorForm,
}


# ---- how each form's service is called, with dates that hang together ------------------------


def _consent(session, good, **dates):
    values = dict(signed_on=day(-1), valid_from=day(-1), valid_until=day(30))
    values.update(covers_from=None, covers_to=None)
    values.update(dates)
    return consent.record_consent(
        session,
        f.user(session, "staff"),
        card_number=f.patron(session).card_number,
        recipient="Dr. Ada Reyes, attorney",
        kinds=["loans"],
        signed_by_guardian=False,
        recipient_is_not_government=True,
        scan=PDF,
        **values,
    )


def _gag(session, good, **dates):
    values = dict(issued_on=day(-3), until=day(60))
    values.update(dates)
    case = f.held_case(session, kind="nsl")
    gag.impose_gag(
        session, f.user(session, "director"), case, issued_by="US District Court", **values
    )


def _hold(session, good, **dates):
    request = hold_service.HoldRequest(
        categories=["loans"],
        requested_on=dates.get("requested_on", day(-2)),
        requested_by="Det. Hale, Sheriff's Office",
        patron_cards=[f.patron(session).card_number],
        workstation_codes=[],
    )
    hold_service.place_hold(session, f.user(session, "director"), f.held_case(session), request)


def _renewal(session, good, **dates):
    hold = f.hold(session, requested_at=NOW - timedelta(days=80))
    hold_service.renew_hold(
        session,
        f.user(session, "director"),
        hold,
        requested_on=dates.get("requested_on", day(-1)),
        requested_by="Det. Hale, Sheriff's Office",
        days=90,
    )


def _production(session, good, **dates):
    values = dict(starts_at=moment(-48), ends_at=moment(-24))
    values.update(dates)
    productions.select_records(
        session,
        productions.Criteria(kinds=["loans"], card_number=f.patron(session).card_number, **values),
    )


def _counsel(session, good, **dates):
    director = f.user(session, "director")
    case = f.case(session, kind="subpoena", return_date=day(20), issued_on=day(-5))
    case_service.assign_counsel(
        session, director, case, f.user(session, "counsel"), dates.get("due_on", day(7))
    )


def _exigent(session, good, **dates):
    director = f.user(session, "director")
    case = f.case(session, kind="exigent")
    case_service.record_exigent_waiver(
        session,
        director,
        case,
        counsel_name="A. Counsel",
        advised_at=dates.get("advised_at", moment(-1)),
        advice="Release the one session named.",
        by_phone=True,
        emergency="A missing child.",
        released="One computer session.",
    )
    assert case.paperwork_due_at > case.waiver.advised_at  # the paper is due after the waiver


def _patron_request(session, good, **dates):
    values = dict(covers_from=day(-30), covers_to=day(-1))
    values.update(dates)
    patron_service.ask_for_records(session, f.patron(session), **values)


def _intake(session, good, **dates):
    values = dict(
        received_at=moment(-1),
        window_starts_at=moment(-30),
        window_ends_at=moment(-28),
        issued_on=day(-3),
        return_date=day(10),
    )
    values.update(dates)
    executed_at = values.pop("executed_at", moment(-2))
    kind = "search_warrant" if "executed_at" in dates or good else "subpoena"
    warrant = intake.WarrantFacts(executed_at=executed_at) if kind == "search_warrant" else None
    f.case(session, kind=kind, warrant=warrant, **values)


def _acting(session, good, **dates):
    values = dict(starts_at=moment(1), ends_at=moment(24 * 7))
    values.update(dates)
    auth_service.name_acting_director(
        session, f.user(session, "director"), f.user(session, "supervisor"), **values
    )


@dataclass(frozen=True)
class Rule:
    """One date rule of one form: the bad dates, the field refused, and words the message says."""

    form: str
    rule: str
    call: object
    bad: dict = field(default_factory=dict)
    field: str = ""
    says: str = ""


RULES = [
    Rule("consent", "not signed in the future", _consent, {"signed_on": day(1)},
         "signed_on", "cannot be in the future"),
    Rule("consent", "signed within its validity, not after it ended", _consent,
         {"signed_on": day(0), "valid_from": day(-20), "valid_until": day(-10)},
         "signed_on", "after it stopped being valid"),
    Rule("consent", "valid_from on or before valid_until", _consent,
         {"valid_from": day(5), "valid_until": day(4)}, "valid_until", "on or after"),
    Rule("consent", "records covered: from on or before to", _consent,
         {"covers_from": day(-1), "covers_to": day(-9)}, "covers_from", "on or before"),
    Rule("gag", "issued not in the future", _gag, {"issued_on": day(2)},
         "issued_on", "cannot be in the future"),
    Rule("gag", "in force until after it was issued", _gag,
         {"issued_on": day(-1), "until": day(-5)}, "until", "cannot end before it was issued"),
    Rule("gag", "its end not already passed", _gag, {"issued_on": day(-30), "until": day(-1)},
         "until", "already passed"),
    Rule("hold request", "not dated in the future", _hold, {"requested_on": day(1)},
         "requested_on", "cannot be dated in the future"),
    Rule("hold request", "not so old it would have ended", _hold, {"requested_on": day(-91)},
         "requested_on", "would already have ended"),
    Rule("hold renewal", "on or after the hold's request", _renewal, {"requested_on": day(-81)},
         "requested_on", "before the hold itself was requested"),
    Rule("hold renewal", "not dated in the future (so before the hold ends)", _renewal,
         {"requested_on": day(1)}, "requested_on", "cannot be dated in the future"),
    Rule("production", "window starts before it ends", _production,
         {"starts_at": moment(-24), "ends_at": moment(-48)}, "ends_at", "end after it starts"),
    Rule("counsel", "advice due date not in the past", _counsel, {"due_on": day(-1)},
         "due_on", "from today on"),
    Rule("exigent waiver", "counsel advised not in the future (the paper is due after)",
         _exigent, {"advised_at": moment(1)}, "advised_at", "not in the future"),
    Rule("patron's request", "records covered: from on or before to", _patron_request,
         {"covers_from": day(-1), "covers_to": day(-9)}, "covers_from", "on or before"),
    Rule("intake", "received not in the future", _intake, {"received_at": moment(1)},
         "received_at", "cannot be in the future"),
    Rule("intake", "window named starts before it ends", _intake,
         {"window_starts_at": moment(-28), "window_ends_at": moment(-30)},
         "window_ends_at", "end after it starts"),
    Rule("intake", "issued not in the future", _intake, {"issued_on": day(1)},
         "issued_on", "cannot be in the future"),
    Rule("intake", "return date not before issued", _intake,
         {"issued_on": day(-3), "return_date": day(-4)}, "return_date", "before the date issued"),
    Rule("intake", "warrant executed not in the future", _intake, {"executed_at": moment(1)},
         "executed_at", "cannot be in the future"),
    Rule("acting Director", "period ends after it starts", _acting,
         {"starts_at": moment(5), "ends_at": moment(2)}, "ends_at", "end after it starts"),
    Rule("acting Director", "period not already over", _acting,
         {"starts_at": moment(-48), "ends_at": moment(-1)}, "ends_at", "already ended"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(NOW)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.form}: {r.rule}")
def test_each_forms_dates_hang_together(app, session, rule):
    with app.test_request_context():
        rule.call(session, True)  # dates that hang together: accepted
        with pytest.raises(DomainError) as refused:
            rule.call(session, False, **rule.bad)
    assert refused.value.field == rule.field
    assert hasattr(FORMS[rule.form], rule.field), "the form has the field the message sits beside"
    assert rule.says in str(refused.value)
