"""THE TWIN TEST, numbering (docs/rules.md R-gag-numbers-count-nothing,
R-addresses-count-nothing): both libraries log ordinary cases after the gagged one; then the
gagged twin's Director gags an ordinary case it logged in between. Outside the circle, every
page (receipts and their PDFs included), every address and the annual report must still match
twin for twin: no case number, receipt or address counts the two gagged matters.

The twins draw the same public ids and case numbers for what they both build (tests/gag/
draws.py): a number in sequence, or an address holding a database id, would differ."""

from __future__ import annotations

import contextlib
import itertools
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from disclosure import clock
from disclosure.audit import chain
from disclosure.auth.models import User
from disclosure.cases import gag, intake
from disclosure.cases.models import Case
from disclosure.db import db
from disclosure.documents import annual
from tests import factories
from tests.conftest import committed_app
from tests.gag import draws, world
from tests.gag.test_twin import _walk

pytestmark = pytest.mark.committing

CANARY_LATER = "CANARYLATER5150"
# records sought, one per case both twins log after the gagged one
AFTER = ("Loans of one patron, asked third", "Sign-up logs of PC 1, asked fourth")


def _ordinary(session, clerk, records_sought: str) -> Case:
    return intake.log_request(
        session,
        clerk,
        intake.Intake(
            kind="informal",
            officer_name="Officer Dana Plain",
            officer_agency="Festus Police",
            records_sought=records_sought,
        ),
    )


def build(session, *, with_gag: bool) -> None:
    """The twin world's plain cases; then (gagged twin) the NSL; an ordinary case; (gagged twin)
    an ordinary case logged by the desk that will be gagged; another ordinary case; (gagged twin)
    the gag on the case logged in between; the patrons' reports."""
    clock.freeze(world.FROZEN_AT)
    factories._counter = itertools.count(1)
    u = world._users(session)
    touched, other = world._records(session)
    world._plain_cases(session, u, other)
    session.commit()
    aside = draws.offstage if with_gag else contextlib.nullcontext
    if with_gag:
        with aside():
            world._gagged_case(session, u, touched)
            session.commit()
    _ordinary(session, u["clerk_other"], AFTER[0])
    session.commit()
    later = None
    if with_gag:
        with aside():
            later = _ordinary(session, u["clerk_logger"], f"Records in {CANARY_LATER}")
            session.commit()
    _ordinary(session, u["clerk_other"], AFTER[1])
    session.commit()
    if with_gag:
        with aside():
            gag.impose_gag(
                session,
                u["director"],
                later,
                issued_by="U.S. District Court " + CANARY_LATER,
                issued_on=clock.today(),
            )
            session.commit()
    world._patron_reports(session, u, touched, other)
    session.commit()


@pytest.fixture(scope="module")
def twins(backend, server_for):
    """(plain app, gagged app), each on a committed database of its own."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(draws.same_draws())
        apps = []
        for with_gag in (False, True):
            app = stack.enter_context(committed_app(backend, server_for(backend)))
            with app.app_context():
                build(db.session, with_gag=with_gag)
            apps.append(app)
        yield apps
        clock.freeze(None)


def _after(app) -> list[tuple[str, str, str]]:
    """(records sought, reference, public id) of the cases logged after the gagged one."""
    with app.app_context():
        rows = db.session.execute(
            select(Case.records_sought, Case.year, Case.series, Case.number, Case.public_id)
        ).all()
        # the request's words are sealed at rest: they are compared once read, not in SQL
        return sorted(
            (r.records_sought, f"{r.year}-{r.series}{r.number:04d}", r.public_id)
            for r in rows
            if r.records_sought in AFTER
        )


def test_cases_logged_after_the_gagged_ones_have_the_same_numbers_and_addresses(twins):
    plain, gagged = twins
    assert len(_after(plain)) == 2 and _after(plain) == _after(gagged)


@pytest.mark.parametrize("who", [*world.World.outside, world.World.patrons[0]])
def test_outside_the_circle_pages_receipts_and_addresses_match_twin_for_twin(twins, who):
    assert _walk(twins, who, must_equal=True) > 30


def test_the_annual_report_matches_twin_for_twin(twins):
    """The figures and the issued PDF the board is given: the two gagged matters are in the one
    banded line in both, and no exact figure differs."""
    seen = []
    for app in twins:
        with app.app_context(), clock.frozen(world.FROZEN_AT):
            director = db.session.scalar(select(User).where(User.username == "director"))
            figures = annual.figures(db.session, 2026)
            pdf = annual.render(db.session, 2026, signer=director)
            text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
            # the audit trail's head hash differs with any event, and counts nothing
            head = chain.head(db.session).sha256
            assert head in text
            seen.append((figures, text.replace(head, "HASH")))
    (plain_figures, plain_text), (gagged_figures, gagged_text) = seen
    assert gagged_figures == plain_figures
    assert gagged_text == plain_text
    assert "CANARY" not in gagged_text
