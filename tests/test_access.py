"""Deny by default: every route is in this table, and every route x role behaves as it says.

When you add a route, add it to tests/authorization/<area>.py with the roles that may use it. A
route missing from the
table fails the first test; a role let in or kept out against the table fails the others."""

from __future__ import annotations

import inspect
import re

import pytest
from werkzeug.routing import Rule

from disclosure import clock
from disclosure.auth.models import ActingDirector
from tests import authorization, factories
from tests.pages import as_seen

# endpoint -> the roles declared by @allow on its view (tests/authorization/<area>.py)
AUTHORIZATION = authorization.load()

# the people who knock: each gets its own signed-in client
PEOPLE = [
    "anonymous",
    "patron",
    "staff",
    "supervisor",
    "counsel",
    "admin",
    "director",
    "acting-director",
    "password-only",
]


def roles_of(person: str) -> set[str]:
    return {
        "anonymous": {"public"},
        "patron": {"public", "patron"},
        "acting-director": {"public", "staff-any", "staff", "director"},
        "password-only": {"second-factor"},
    }.get(person, {"public", "staff-any", person})


def test_every_route_is_in_the_authorization_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - AUTHORIZATION.keys()
    stale = AUTHORIZATION.keys() - endpoints
    assert not missing, f"routes missing from the authorization table: {sorted(missing)}"
    assert not stale, f"table names routes that do not exist: {sorted(stale)}"


def test_every_view_declares_exactly_the_roles_in_the_table(app):
    for endpoint, view in app.view_functions.items():
        assert getattr(view, "allowed_roles", None) == AUTHORIZATION[endpoint], endpoint


def _client_for(person, app, session, login_as):
    the_client = app.test_client()
    if person == "anonymous":
        return the_client
    if person == "patron":
        patron = factories.patron(session)
        session.commit()
        if "patrons.login" not in app.view_functions:
            pytest.skip("no patron portal yet")
        response = the_client.submit(
            "/patron/login", {"card_number": patron.card_number, "pin": factories.PIN}
        )
        assert response.status_code == 302
        return the_client
    if person == "acting-director":
        user = factories.user(session, "staff")
        director = factories.user(session, "director")
        session.add(
            ActingDirector(
                user_id=user.id,
                named_by_id=director.id,
                starts_at=clock.now(),
                ends_at=clock.now().replace(year=clock.now().year + 1),
            )
        )
        session.flush()
        login_as("staff", user, the_client=the_client)
        return the_client
    if person == "password-only":
        # a Director who typed the password and not yet the code
        user = factories.user(session, "director")
        session.commit()
        response = the_client.submit(
            "/login", {"username": user.username, "password": factories.PASSWORD}
        )
        assert response.status_code == 302
        return the_client
    login_as(person, the_client=the_client)
    return the_client


# A placeholder for each kind of URL part: a number for `<int:...>` and plain strings, 16
# characters for a public id (disclosure/public_ids.py) that names no row.
NO_PUBLIC_ID = "N" * 16


def _url(rule: Rule) -> str:
    # Placeholder ids: the guard answers before any object is looked up.
    def placeholder(match) -> str:
        return "999999" if match.group(1) in (None, "int", "string") else NO_PUBLIC_ID

    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", placeholder, rule.rule)


@pytest.mark.parametrize("person", PEOPLE)
def test_route_by_role_follows_the_table(person, app, session, login_as):
    the_client = _client_for(person, app, session, login_as)
    mine = roles_of(person)
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint == "auth.logout":
            continue
        allowed = bool(AUTHORIZATION[rule.endpoint] & mine)
        method = "GET" if "GET" in rule.methods else "POST"
        response = the_client.open(_url(rule), method=method)
        location = response.headers.get("Location", "")
        if allowed:
            if (
                "<" not in rule.rule
            ):  # with a real URL an admitted person gets the page, not a refusal
                # the guard's refusals are a 404 or a sign-in redirect carrying ?next=
                assert response.status_code != 404 and "next=" not in location, (
                    person,
                    rule.rule,
                    response.status_code,
                )
        elif person == "password-only":
            # nothing but the second-factor page: everything else leads there (no factor yet:
            # to enrol one)
            assert response.status_code == 302 and "/account/second-factor" in location, (
                rule.rule,
                response.status_code,
            )
        elif person == "anonymous":
            assert response.status_code == 302 and "login?next=" in location, (
                rule.rule,
                response.status_code,
            )
        else:
            assert response.status_code == 404, (person, rule.rule, response.status_code)


def test_a_route_without_allow_answers_404_to_everyone(app, client, login_as):
    app.view_functions["auth.users"].__dict__.pop("allowed_roles")
    try:
        login_as("admin")
        assert client.get("/admin/users").status_code == 404
    finally:
        app.view_functions["auth.users"].allowed_roles = frozenset({"admin"})


def test_not_found_and_not_allowed_look_the_same(client, login_as):
    login_as("staff")
    forbidden = client.get("/admin/users")
    missing = client.get("/no/such/page")
    assert forbidden.status_code == missing.status_code == 404
    assert as_seen(forbidden) == as_seen(missing)


def _commands(group) -> list:
    """Every command under a click group, its subgroups' commands included."""
    found = []
    for command in getattr(group, "commands", {}).values():
        found.append(command)
        found.extend(_commands(command))
    return found


def test_the_server_commands_are_not_reachable_from_the_web(app):
    """Commands that print or change records (keys, backups, audit verify, users, purge) run on
    the server only: no route is one of them, and no view's module imports a command module."""
    callbacks = {command.callback for command in _commands(app.cli) if command.callback}
    views = set(app.view_functions.values())
    assert {"keys", "backup", "audit", "users", "purge"} <= set(app.cli.commands)
    assert not callbacks & views
    for endpoint, view in app.view_functions.items():
        if not view.__module__.startswith("disclosure."):
            continue  # Flask's own static files
        module = __import__(view.__module__, fromlist=["_"])
        imported = {
            value.__name__ if inspect.ismodule(value) else value.__module__
            for value in vars(module).values()
            if inspect.ismodule(value) or inspect.isfunction(value) or inspect.isclass(value)
        }
        assert not any(name.endswith(".cli") for name in imported), endpoint
    assert all(not rule.rule.startswith("/cli") for rule in app.url_map.iter_rules())
