"""THE TWIN TEST (docs/rules.md R-gag-invisible): two libraries identical but for one gagged
case. Everyone outside the case's circle signs in to both and walks every page they can reach,
with real ids (downloads and exports included): no canary string may appear, and every response
must equal its twin's.

When a route with a new kind of id is added, add where its ids come from to ID_SOURCES."""

from __future__ import annotations

import contextlib
from itertools import product

import pytest
from sqlalchemy import select, text

from disclosure import clock
from disclosure.db import db
from tests.conftest import Client, committed_app
from tests.gag import draws, world
from tests.pages import without_tokens
from tests.second_step import second_step

pytestmark = pytest.mark.committing

# route parameter -> SQL giving every value it can take in either twin (URLs name rows by their
# public ids: docs/rules.md R-addresses-count-nothing)
ID_SOURCES = {
    "case_id": "SELECT public_id FROM cases",
    "document_id": "SELECT public_id FROM case_documents UNION SELECT public_id FROM documents",
    "production_id": "SELECT public_id FROM productions",
    "user_id": "SELECT id FROM users",
    "request_id": "SELECT public_id FROM patron_requests",
    "consent_id": "SELECT public_id FROM consent_releases",
    "hold_id": "SELECT public_id FROM holds",
    "breach_id": "SELECT id FROM breaches",
}
# a value of each kind that names nothing
MISSING = {"user_id": 999999, "breach_id": 999999}
NO_PUBLIC_ID = "N" * 16
FIXED_VALUES = {
    "fmt": ["pdf", "json", "csv"],
    "name": ["records.csv", "records.json", "manifest.json"],
    "kind": ["loans", "computer_sessions", "patrons", "no_such_kind"],
    "token": ["not-a-token"],  # a PIN link's token: only its hash is stored
}
SKIP_ENDPOINTS = {"static", "auth.logout"}


@pytest.fixture(scope="module")
def twins(backend, server_for):
    """(plain app, gagged app), each on a committed database of its own, built once per backend.
    Walking them changes both alike (audit events of views), so the tests may share them."""
    with contextlib.ExitStack() as stack:
        apps = []
        stack.enter_context(draws.same_draws())
        for with_gag in (False, True):
            app = stack.enter_context(committed_app(backend, server_for(backend)))
            with app.app_context():
                world.build(db.session, with_gag=with_gag)
            apps.append(app)
        yield apps
        clock.freeze(None)


def _values(apps, name: str) -> list:
    if name in FIXED_VALUES:
        return FIXED_VALUES[name]
    assert name in ID_SOURCES, (
        f"the twin test does not know where ids for <{name}> come from: add it to ID_SOURCES"
    )
    found = set()
    for app in apps:
        with db.engine_for(app).connect() as connection:
            found |= {row[0] for row in connection.execute(text(ID_SOURCES[name]))}
    return sorted(found) + [MISSING.get(name, NO_PUBLIC_ID)]


def _urls(apps) -> list[tuple[str, str]]:
    """Every GET route of the app, with every combination of real ids."""
    urls = []
    for rule in apps[0].url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS:
            continue
        names = sorted(rule.arguments)
        for combo in product(*(_values(apps, n) for n in names)):
            with apps[0].test_request_context():
                from flask import url_for

                urls.append(
                    (rule.endpoint, url_for(rule.endpoint, **dict(zip(names, combo, strict=True))))
                )
    return urls


def _normalise(response) -> tuple:
    body = response.get_data()
    kind = response.mimetype
    if kind == "application/pdf":
        from io import BytesIO

        from pypdf import PdfReader

        content = "\n".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)
    else:
        content = without_tokens(body.decode("utf-8", "replace"))
    return response.status_code, kind, response.headers.get("Location"), content


def _diff(plain: tuple, gagged: tuple) -> str:
    import difflib

    if plain[:3] != gagged[:3]:
        return f"plain {plain[:3]} vs gagged {gagged[:3]}"
    lines = difflib.unified_diff(
        plain[3].splitlines(), gagged[3].splitlines(), "plain", "gagged", n=1, lineterm=""
    )
    return "\n".join(list(lines)[:30])


def _sign_in(app, who: str) -> Client:
    the_client = app.test_client()
    if who == "anonymous":
        return the_client
    if who.isdigit():
        response = the_client.submit("/patron/login", {"card_number": who, "pin": world.PIN})
    else:
        response = the_client.submit("/login", {"username": who, "password": world.PASSWORD})
    assert response.status_code == 302, f"{who} could not sign in"
    if not who.isdigit():
        second_step(app, the_client, who)
    return the_client


def _walk(apps, who: str, *, must_equal: bool) -> int:
    # One instant for both twins: a sign-in time ("last sign-in 12:59 p.m.") or a day count
    # read a minute apart must not make the twins differ.
    with clock.frozen(clock.now()):
        return _walk_at_one_instant(apps, who, must_equal=must_equal)


def _walk_at_one_instant(apps, who: str, *, must_equal: bool) -> int:
    plain, gagged = (_sign_in(app, who) for app in apps)
    walked = 0
    for endpoint, url in _urls(apps):
        seen = _normalise(gagged.get(url))
        for canary in world.CANARIES:
            assert canary not in seen[3], f"{who} saw the gagged case at {url}"
        if must_equal:
            twin = _normalise(plain.get(url))
            assert seen == twin, (
                f"{who}: {url} differs between the twins ({endpoint}):\n{_diff(twin, seen)}"
            )
        walked += 1
    return walked


@pytest.mark.parametrize("who", [*world.World.outside, *world.World.patrons, "anonymous"])
def test_outside_the_circle_the_gagged_case_does_not_exist(twins, who):
    assert _walk(twins, who, must_equal=True) > 30


@pytest.mark.parametrize("who", world.World.told_by_design)
def test_the_clerk_who_logged_it_and_their_supervisor_learn_nothing_of_its_contents(twins, who):
    _walk(twins, who, must_equal=False)


def test_no_notification_or_email_carries_the_gagged_case(twins):
    """The outbox is what gets e-mailed: nothing in it, for anyone (the circle included), may
    carry the case's contents; outside the circle the notifications are the twin's."""
    plain, gagged = twins
    rows = {}
    for label, app in (("plain", plain), ("gagged", gagged)):
        with db.engine_for(app).connect() as connection:
            rows[label] = connection.execute(
                text(
                    "SELECT u.username, n.subject, n.body, n.link FROM notifications n JOIN users "
                    "u ON u.id = n.recipient_id ORDER BY u.username, n.id"
                )
            ).all()
    for row in rows["gagged"]:
        assert not any(canary in " ".join(str(v) for v in row) for canary in world.CANARIES), row
    outside = set(world.World.outside)
    pick = lambda label: [r for r in rows[label] if r[0] in outside]  # noqa: E731
    assert pick("gagged") == pick("plain")


def test_the_circle_sees_the_case_in_full(twins):
    """(Last in this file: it signs in to the gagged twin only.)"""
    _plain, gagged = twins
    with db.engine_for(gagged).connect() as connection:
        case_id = connection.execute(
            select(text("public_id")).select_from(text("cases")).where(text("gagged"))
        ).scalar_one()
    for who in world.World.circle:
        html = _sign_in(gagged, who).get(f"/cases/{case_id}").get_data(as_text=True)
        assert world.CANARY_OFFICER in html and world.CANARY_DOCKET in html, who
