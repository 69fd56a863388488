"""THE TWIN TEST after a purge (docs/rules.md R-hold-preserved-apart, R-gag-invisible): the two
libraries of tests/gag/world.py, one with a gagged case whose hold names a patron, are purged
with the clock past the loans' and sessions' retention. The held records leave ordinary use on
schedule in both (the gagged twin keeps its copies in the preservation store), so the patron,
the desk and everyone outside the circle see the same pages, counts and report files (PDF text,
JSON, CSV) in both, and the same answers to a patron's changes (an e-mail removal, a
correction), twin for twin."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from disclosure import clock
from disclosure.auth.models import User
from disclosure.db import db
from disclosure.holds.models import PreservedRecord
from disclosure.holds.preservation import read_content
from disclosure.patrons import service as patrons
from disclosure.patrons.models import CorrectionRequest, PatronRequest
from disclosure.records import kinds
from disclosure.records.models import Patron
from disclosure.retention import purge
from tests.conftest import committed_app
from tests.gag import draws, world
from tests.gag.test_twin import _diff, _normalise, _sign_in, _walk
from tests.pages import without_tokens

pytestmark = pytest.mark.committing

# past the loans' 60 days and the sessions' 3, within the holds' 90
AFTER = world.FROZEN_AT + timedelta(days=70)
TOUCHED, OTHER = world.World.patrons
STAFF = ("clerk_other", "sup_other")


@pytest.fixture(scope="module")
def purged_twins(backend, server_for):
    """(plain app, gagged app), built as tests/gag/world.py builds them, then purged at AFTER,
    and each patron's records asked for and compiled again after the purge."""
    with contextlib.ExitStack() as stack:
        apps = []
        stack.enter_context(draws.same_draws())  # the same public ids and case numbers
        for with_gag in (False, True):
            app = stack.enter_context(committed_app(backend, server_for(backend)))
            with app.app_context():
                world.build(db.session, with_gag=with_gag)
            apps.append(app)
        clock.freeze(AFTER)
        for app in apps:
            purge.run_purge(db.engine_for(app), trigger="scheduler")
            with app.app_context():
                _ask_again(db.session)
        yield apps
        clock.freeze(None)


def _ask_again(session) -> None:
    """Both patrons ask for their records after the purge; the desk checks ID; compiled."""
    clerk = session.scalar(select(User).where(User.username == "clerk_other"))
    for card in world.World.patrons:
        patron = session.scalar(select(Patron).where(Patron.card_number == card))
        request = patrons.ask_for_records(session, patron)
        patrons.verify_and_compile(session, clerk, request, id_kind="drivers_license")
        patrons.compile_report(session, request)
    session.commit()


def _rows(app) -> dict[str, list[tuple]]:
    """Every row of every kind of library record, in ordinary use."""
    with db.engine_for(app).connect() as conn:
        return {
            kind.key: sorted(tuple(r) for r in conn.execute(select(kind.table)))
            for kind in kinds.every()
        }


def _preserved(app, card: str) -> dict[str, int]:
    """Per kind, how many copies the store keeps of the patron's records."""
    with db.new_session(app) as s:
        patron_id = s.scalar(select(Patron.id).where(Patron.card_number == card))
        found: dict[str, int] = {}
        for copy in s.scalars(select(PreservedRecord)):
            whose = copy.original_id if copy.kind == "patrons" else read_content(copy)["patron_id"]
            if whose == patron_id:
                found[copy.kind] = found.get(copy.kind, 0) + 1
        return found


def _latest_report(app, card: str) -> dict:
    with db.new_session(app) as s:
        patron_id = s.scalar(select(Patron.id).where(Patron.card_number == card))
        request = s.scalars(
            select(PatronRequest)
            .where(PatronRequest.requester_id == patron_id)
            .order_by(PatronRequest.id.desc())
        ).first()
        return json.loads(request.report.json_data)


def test_the_held_records_left_ordinary_use_on_schedule_in_both_twins(purged_twins):
    plain, gagged = purged_twins
    assert _preserved(gagged, TOUCHED) == {"loans": 1, "computer_sessions": 1}
    assert _preserved(plain, TOUCHED) == {}
    assert _preserved(plain, OTHER) == _preserved(gagged, OTHER) == {"loans": 1}
    rows = _rows(gagged)
    assert rows == _rows(plain)
    assert rows["loans"] == [] and rows["computer_sessions"] == []


def test_the_patrons_report_has_the_same_shape_and_rule_in_both_twins(purged_twins):
    plain, gagged = purged_twins
    for card in world.World.patrons:
        assert _latest_report(gagged, card) == _latest_report(plain, card), card
    counts = {k["kind"]: k["count"] for k in _latest_report(gagged, TOUCHED)["every_kind"]}
    # nothing older than the schedule: the loan and the session the gagged hold covers are gone
    assert counts[kinds.LOANS.patron_label] == counts[kinds.COMPUTER_SESSIONS.patron_label] == 0
    assert not any(c in json.dumps(counts) for c in world.CANARIES)


@pytest.mark.parametrize(
    "who", [*world.World.patrons, *STAFF, "counsel_other", "admin", "anonymous"]
)
def test_after_the_purge_every_page_and_file_is_the_twins(purged_twins, who):
    with clock.frozen(AFTER + timedelta(hours=1)):
        assert _walk(purged_twins, who, must_equal=True) > 30


def _post_in_both(apps, who: str, url: str, data: dict, page: str) -> list[tuple]:
    """The same form sent in both twins; what each answered, and the page it led to."""
    answers = []
    for app in apps:
        the_client = _sign_in(app, who)
        response = the_client.submit(url, data, page=page)
        followed = the_client.get(response.headers["Location"]) if response.location else None
        answers.append(
            (
                _normalise(response),
                followed is not None and _normalise(followed),
            )
        )
    return answers


def _same(answers: list[tuple], what: str) -> None:
    (plain_post, plain_page), (gagged_post, gagged_page) = answers
    assert gagged_post == plain_post, f"{what}: {_diff(plain_post, gagged_post)}"
    assert gagged_page == plain_page, f"{what}: {_diff(plain_page, gagged_page)}"


def test_a_patrons_changes_answer_the_same_in_both_twins(purged_twins):
    """(Last in this file: it changes both twins.)"""
    plain, gagged = purged_twins
    with clock.frozen(AFTER + timedelta(hours=2)):
        removal = _post_in_both(
            purged_twins, TOUCHED, "/patron/email/remove", {"confirmed": "yes"}, "/patron"
        )
        _same(removal, "e-mail removal")
        assert "Your e-mail address has been removed" in removal[0][1][3]
        asked = _post_in_both(
            purged_twins,
            TOUCHED,
            "/patron/correction",
            {"details": "My address is now 14 Oak St."},
            "/patron/correction",
        )
        _same(asked, "a correction asked")
        ids = set()
        for app in purged_twins:
            with db.new_session(app) as s:
                ids.add(s.scalar(select(func.max(CorrectionRequest.id))))
        [correction_id] = ids
        done = _post_in_both(
            purged_twins,
            "clerk_other",
            f"/desk/corrections/{correction_id}/done",
            {"staff_note": "Address updated"},
            "/desk/patron-requests",
        )
        _same(done, "a correction done at the desk")
        assert "cannot be changed" not in without_tokens(str(done))
    for app in purged_twins:
        with db.new_session(app) as s:
            patron = s.scalar(select(Patron).where(Patron.card_number == TOUCHED))
            assert patron.email is None
    assert _preserved(gagged, TOUCHED) == {"loans": 1, "computer_sessions": 1, "patrons": 2}
    assert "patrons" not in _preserved(plain, TOUCHED)
