"""Every page and file that shows case material, a patron's report or release, a consent, a
scan or a released file writes one audit event (docs/rules.md R-audit-every-view). The walk
opens each such route, as someone allowed to, on the twin world of the gag tests, and counts the
views recorded."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from disclosure import clock
from disclosure.db import db
from tests.conftest import committed_app
from tests.gag import world
from tests.web import fuzz_world
from tests.web.test_form_fuzz import ID_SOURCES, NAMED_VALUES, _sign_in

pytestmark = pytest.mark.committing

PATRON = world.World.patrons[1]
# route -> who opens it
SHOWS_MATERIAL = {
    "cases.detail": "director",
    "cases.document": "director",
    "cases.advise": "counsel_other",
    "cases.production": "director",
    "cases.production_file": "director",
    "cases.production_new": "director",
    "cases.receipt": "clerk_other",
    "documents.case_documents": "director",
    "documents.download": "director",
    "documents.letter_edit": "director",
    "documents.letter_preview": "director",
    "documents.receipt_pdf": "clerk_other",
    "holds.detail": "director",
    "holds.preserved": "director",
    "patrons.consent_detail": "clerk_other",
    "patrons.consent_scan": "clerk_other",
    "patrons.consent_file": "clerk_other",
    "patrons.desk_request": "clerk_other",
    "patrons.desk_print": "director",  # the clerk who checked ID may print only within 30 minutes
    "patrons.request_detail": PATRON,
    "patrons.download": PATRON,
}
# a view is told by its action's last word
VIEWS = re.compile(r"(viewed|viewed_at_desk|downloaded|printed)$")


def _more(session) -> None:
    """What the fuzz world lacks: a final letter beside the draft, and a consent released."""
    from disclosure.auth.models import User
    from disclosure.cases.models import Case
    from disclosure.documents import service as documents
    from disclosure.documents.models import DocumentKind
    from disclosure.patrons import consent as consents
    from disclosure.patrons.models import ConsentRelease
    from disclosure.work import WorkItem

    clock.freeze(world.FROZEN_AT)
    director = session.query(User).filter_by(username="director").one()
    case = session.query(Case).filter_by(docket_number="26JE-CR01000").one()
    letter = documents.start_letter(session, director, case, DocumentKind.NO_RESPONSIVE_RECORDS)
    documents.finalize(session, director, letter)
    consent = session.query(ConsentRelease).one()
    item = consents.release(
        session, session.query(User).filter_by(username="clerk_other").one(), consent
    )
    session.flush()
    consents.release_queued(session, session.get(WorkItem, item.id), lambda done, total: None)
    session.commit()
    clock.freeze(None)


@pytest.fixture(scope="module")
def walked_app(backend, server_for):
    with committed_app(backend, server_for(backend)) as app:
        with app.app_context():
            fuzz_world.build(db.session)
            _more(db.session)
        yield app


def _views(app) -> list[str]:
    with db.engine_for(app).connect() as connection:
        actions = connection.execute(text("SELECT action FROM audit_events ORDER BY id"))
        return [action for (action,) in actions]


def _urls(app, rule):
    values = {}
    for name in sorted(rule.arguments):
        if name in NAMED_VALUES:
            values[name] = NAMED_VALUES[name]
            continue
        with db.engine_for(app).connect() as connection:
            values[name] = sorted(row[0] for row in connection.execute(text(ID_SOURCES[name])))
    names = sorted(values)
    for combination in itertools.product(*(values[name] for name in names)):
        chosen = dict(zip(names, combination, strict=True))
        yield re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m, c=chosen: str(c[m.group(1)]), rule.rule)


@pytest.mark.parametrize("endpoint", sorted(SHOWS_MATERIAL))
def test_every_view_of_kept_material_writes_one_audit_event(walked_app, endpoint):
    clock.freeze(world.FROZEN_AT + timedelta(hours=1))  # within the reports' download period
    rule = next(r for r in walked_app.url_map.iter_rules() if r.endpoint == endpoint)
    the_client = _sign_in(walked_app, SHOWS_MATERIAL[endpoint])
    for url in _urls(walked_app, rule):
        before = len(_views(walked_app))
        response = the_client.get(url)
        if response.status_code != 200:
            continue
        new = _views(walked_app)[before:]
        assert len([a for a in new if VIEWS.search(a)]) == 1, f"{url} recorded {new}"
        return
    pytest.fail(f"no row of the world opens {endpoint}: add one to the walk's world")
