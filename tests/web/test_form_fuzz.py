"""Nothing a person sends makes the app fail: every route of app.url_map, as a person it admits,
gets generated text, unicode, control characters, huge values, wrong types, missing fields and
ids out of range (hypothesis), and no answer may be a server error.

The routes are read from the app, so a new route is fuzzed without being listed here. The fields
a route reads are learnt by watching one request to it (the forms it validates, the query and
form keys it asks for); a route whose URL takes an id of a new kind must be taught where such
ids come from (ID_SOURCES), or its test fails and says so."""

from __future__ import annotations

import contextlib
import itertools
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from sqlalchemy import bindparam, text

from disclosure import clock
from disclosure.db import db
from disclosure.web.forms import BaseForm
from tests import authorization
from tests.conftest import Client, committed_app, make_app
from tests.gag import world
from tests.second_step import second_step
from tests.web import fuzz_world, fuzzing

pytestmark = pytest.mark.committing

AUTHORIZATION = authorization.load()
NOT_FUZZED = {"static"}  # files from disk: no form, no id
# route parameter -> SQL giving the ids of the world's rows it can name
ID_SOURCES = {
    # rows named in URLs by their public ids (docs/rules.md R-addresses-count-nothing)
    "case_id": "SELECT public_id FROM cases",
    "document_id": "SELECT public_id FROM case_documents UNION SELECT public_id FROM documents",
    "production_id": "SELECT public_id FROM productions",
    "user_id": "SELECT id FROM users WHERE username LIKE 'target%'",
    "request_id": "SELECT public_id FROM patron_requests",
    "consent_id": "SELECT public_id FROM consent_releases",
    "hold_id": "SELECT public_id FROM holds",
    "appointment_id": "SELECT id FROM acting_directors",
    "correction_id": "SELECT id FROM patron_corrections",
    "breach_id": "SELECT id FROM breaches",
}
BAD_TOKENS = [None, "", "forged"]
NAMED_VALUES = {
    "fmt": ["pdf", "json", "csv"],
    "name": ["records.csv", "records.json", "manifest.json"],
    "kind": ["loans", "patrons", "no_such_kind"],  # a kind of record (records/kinds.py)
    # a PIN link's token: only its hash is stored, so no real one can be read from the world
    "token": ["not-a-token", ""],
}
# who knocks for each role a route admits, most powerful first
PERSONAS = [
    ("director", "director"),
    ("staff", "clerk_other"),
    ("supervisor", "sup_other"),
    ("counsel", "counsel_other"),
    ("admin", "admin"),
    ("staff-any", "director"),
    ("second-factor", "password-only:director"),
    ("patron", world.World.patrons[1]),
    ("public", "anonymous"),
]
STAFF_PERSONAS = ("director", "clerk_other", "sup_other", "counsel_other", "admin")
# values the world knows, offered for fields of these names beside generated ones
KNOWN = {
    "username": [*STAFF_PERSONAS, "target1"],
    "password": [world.PASSWORD],
    "current": [world.PASSWORD],
    "card_number": list(world.World.patrons),
    "pin": [world.PIN],
    "patron_cards": list(world.World.patrons),
    "workstation_codes": ["HQ-PC01"],
    "workstation_code": ["HQ-PC01"],
    "next": ["/cases", "/holds?x=1"],
    "action": ["release", "preview"],
}


def _fuzzed_endpoints() -> list[str]:
    app = make_app("sqlite://")
    return sorted({r.endpoint for r in app.url_map.iter_rules()} - NOT_FUZZED)


@pytest.fixture(scope="module")
def fuzz_app(backend, server_for):
    """An app on a committed database of its own holding the fuzz world (tests/web/fuzz_world.py),
    its requests recording what they read."""
    with committed_app(backend, server_for(backend)) as app:
        app.request_class = fuzzing.RecordingRequest
        with app.app_context():
            fuzz_world.build(db.session)
        yield app


# A monitor's health check answers 503 when the scheduler is not beating: that is its answer,
# not a failure (and the tests run no scheduler).
ANSWERS_503 = {"ops.healthz"}


def _its_answer(endpoint: str, response) -> bool:
    return endpoint in ANSWERS_503 and response.status_code == 503


def _persona(endpoint: str) -> str:
    roles = AUTHORIZATION[endpoint]
    return next(person for role, person in PERSONAS if role in roles)


def _restore_people(app) -> None:
    """Everyone can sign in again: an earlier route's fuzzing may have locked a card, reset a
    password or disabled an account."""
    from tests import factories

    with db.engine_for(app).begin() as connection:
        connection.execute(text("DELETE FROM sign_in_locks"))
        connection.execute(text("DELETE FROM sign_in_address_cards"))
        connection.execute(
            text(
                "UPDATE users SET password_hash = :hash, is_enabled = :yes, "
                "must_change_password = :no WHERE username IN :names"
            ).bindparams(bindparam("names", expanding=True)),
            {
                "hash": factories._hash(world.PASSWORD),
                "yes": True,
                "no": False,
                "names": list(STAFF_PERSONAS),
            },
        )


def _sign_in(app, person: str) -> Client:
    the_client = app.test_client()
    if person == "anonymous":
        return the_client
    if person.isdigit():
        response = the_client.submit("/patron/login", {"card_number": person, "pin": world.PIN})
    else:
        username = person.removeprefix("password-only:")
        response = the_client.submit("/login", {"username": username, "password": world.PASSWORD})
    assert response.status_code == 302, f"{person} could not sign in"
    if not person.isdigit() and not person.startswith("password-only:"):
        second_step(app, the_client, person)
    return the_client


def _ids(app, rule) -> dict[str, list]:
    """For each URL parameter of `rule`, the world's values and values out of range."""
    found = {}
    for name in sorted(rule.arguments):
        if name in NAMED_VALUES:
            found[name] = NAMED_VALUES[name] + ["exe", "csv\x00", "../x", "é" * 300]
            continue
        assert name in ID_SOURCES, (
            f"the fuzz test does not know where ids for <{name}> ({rule.rule}) come from: "
            "add it to ID_SOURCES"
        )
        with db.engine_for(app).connect() as connection:
            real = sorted(row[0] for row in connection.execute(text(ID_SOURCES[name])))
        assert real, f"the world has no row for <{name}>: add one to tests/web/fuzz_world.py"
        found[name] = real + fuzzing.OUT_OF_RANGE_IDS
    return found


def _url(rule, values: dict) -> str:
    def value(match):
        return quote(str(values[match.group(1)]), safe="")

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", value, rule.rule)


@contextlib.contextmanager
def _watching_forms(monkeypatch):
    """Remember every form validated (and so read) while the block runs."""
    original = BaseForm.validate

    def recording(self, *args, **kwargs):
        fuzzing.Seen.forms.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(BaseForm, "validate", recording)
    try:
        yield
    finally:
        monkeypatch.setattr(BaseForm, "validate", original)


def _learn(the_client, rule, ids, token, monkeypatch):
    """Plain requests to the route (a GET, then a POST with each value its page offers for each
    query key): which query keys, form keys and form fields it reads, and the values it offers.
    Returns (fields, query key -> values offered)."""
    first = _url(rule, {name: values[0] for name, values in ids.items()})
    fields: dict[str, fuzzing.FieldInfo] = {}
    arg_keys: set[str] = set()
    offered: dict[str, set[str]] = {}

    def watch(send) -> tuple:
        fuzzing.Seen.reset()
        response = send()
        for form in fuzzing.Seen.forms:
            for form_field in form:
                fields[form_field.name] = fuzzing.describe(form_field)
        return response, set(fuzzing.Seen.keys)

    with _watching_forms(monkeypatch):
        if "GET" in rule.methods:
            response, arg_keys = watch(lambda: the_client.get(first))
            if response.mimetype == "text/html":
                offered = fuzzing.offered_values(response.get_data(as_text=True))
        if "POST" in rule.methods:
            queries = [{}] + [{k: v} for k in sorted(arg_keys) for v in sorted(offered.get(k, ()))]
            for query in queries:
                _, keys = watch(
                    lambda q=query: the_client.post(
                        first, query_string=q, data={"csrf_token": token}
                    )
                )
                for key in keys - arg_keys - fields.keys():
                    fields[key] = fuzzing.FieldInfo("text")  # read from the form, not a field
    fields.pop("csrf_token", None)
    for key in set(fields) & set(offered):
        fields[key].choices = sorted(set(fields[key].choices) | offered[key])
    return fields, {key: sorted(offered.get(key, ())) for key in arg_keys}


@pytest.mark.parametrize("endpoint", _fuzzed_endpoints())
def test_no_input_makes_a_route_fail(endpoint, fuzz_app, monkeypatch):
    rule = next(r for r in fuzz_app.url_map.iter_rules() if r.endpoint == endpoint)
    _restore_people(fuzz_app)
    with clock.frozen(world.FROZEN_AT + timedelta(hours=1)):
        the_client = _sign_in(fuzz_app, _persona(endpoint))
        token = the_client.csrf_token("/")
        ids = _ids(fuzz_app, rule)
        fields, arg_keys = _learn(the_client, rule, ids, token, monkeypatch)
        if _persona(endpoint) == "anonymous":
            arg_keys["next"] = []  # where a sign-in page sends the person afterwards
        methods = sorted(rule.methods & {"GET", "POST"})
        if methods == ["GET"] and not arg_keys:
            _every_id(the_client, rule, ids)  # nothing to generate but the ids: try them all
        else:
            _sweep(the_client, rule, ids, fields, arg_keys, methods, token)
            _fuzz(the_client, rule, ids, fields, arg_keys, methods, token)


def _every_id(the_client, rule, ids) -> None:
    for combination in itertools.product(*ids.values()):
        url = _url(rule, dict(zip(ids, combination, strict=True)))
        response = the_client.get(url)
        assert response.status_code < 500 or _its_answer(rule.endpoint, response), (
            f"GET {url} answered {response.status_code}"
        )


def _sweep(the_client, rule, ids, fields, arg_keys, methods, token) -> None:
    """The inputs known to break apps, each tried for sure: a NUL in each field and query key
    alone (PostgreSQL refuses it), an id of 30 nines in each id field and URL id alone, and
    line breaks, direction controls and huge text in every text field at once."""
    real = {name: values[0] for name, values in ids.items()}
    typical = {n: fuzzing.typical(info, KNOWN.get(n, [])) for n, info in fields.items()}
    query = {key: (offered or [""])[0] for key, offered in arg_keys.items()}
    texts = [n for n, info in fields.items() if info.kind in {"text", "multiline"}]
    numbers = [n for n, info in fields.items() if info.kind in {"choice", "many", "number"}]
    tries = [(real, query, {**typical, n: fuzzing.NUL_TEXT}) for n in texts]
    tries += [(real, query, {**typical, n: fuzzing.HUGE_ID}) for n in numbers]
    tries += [(real, query, {**typical, **dict.fromkeys(texts, v)}) for v in fuzzing.SWEEP_TEXT]
    tries += [(real, {**query, k: v}, typical) for k in arg_keys for v in ("\x00", "/\r\nx")]
    tries += [({**real, name: 10**30 - 1}, query, typical) for name in ids]
    for url_ids, args, form in tries:
        url = _url(rule, url_ids)
        for method in methods:
            if method == "GET":
                response = the_client.get(url, query_string=args)
            else:
                data = {k: fuzzing.as_form_value(v) for k, v in form.items()}
                response = the_client.post(
                    url, query_string=args, data={**data, "csrf_token": token}
                )
            assert response.status_code < 500 or _its_answer(rule.endpoint, response), (
                f"{method} {url} args={_short(args)} form={_short(form)} answered "
                f"{response.status_code}"
            )


def _fuzz(the_client, rule, ids, fields, arg_keys, methods, token) -> None:
    """Requests built from plausible values for every field with a few fields (and maybe the
    ids, the query and the CSRF token) replaced by generated ones."""
    id_values = {
        name: st.one_of(
            st.sampled_from([v for v in values if v not in fuzzing.OUT_OF_RANGE_IDS]),
            st.sampled_from(values),
        )
        for name, values in ids.items()
    }
    plausible = {
        name: fuzzing.plausible_for(info, KNOWN.get(name, [])) for name, info in fields.items()
    }
    wild = {name: fuzzing.values_for(info, KNOWN.get(name, [])) for name, info in fields.items()}
    mutated = st.sets(st.sampled_from(sorted(fields)), max_size=3) if fields else st.just(set())
    arg_values = {
        key: _query_values(offered + KNOWN.get(key, [])) for key, offered in arg_keys.items()
    }
    tokens = st.sampled_from([token] * 7 + BAD_TOKENS)

    @fuzzing.FUZZ
    @given(
        method=st.sampled_from(methods),
        url_ids=st.fixed_dictionaries(id_values),
        base=st.fixed_dictionaries(plausible),
        generated=st.fixed_dictionaries(wild),
        which=mutated,
        args=st.fixed_dictionaries(arg_values),
        csrf=tokens,
        as_json=st.sampled_from([False] * 7 + [True]),
    )
    def request(method, url_ids, base, generated, which, args, csrf, as_json):
        form = {name: generated[name] if name in which else base[name] for name in base}
        url = _url(rule, url_ids)
        query = {k: v for k, v in args.items() if v is not None}
        data = {k: fuzzing.as_form_value(v) for k, v in form.items() if v is not None}
        note(f"{method} {url} args={_short(query)} form={_short(form)} json={as_json}")
        if method == "GET":
            response = the_client.get(url, query_string=query)
        elif as_json:
            plain = {k: v for k, v in form.items() if v is not None and not _is_file(v)}
            headers = {"X-CSRFToken": csrf} if csrf else {}
            response = the_client.post(url, query_string=query, json=plain, headers=headers)
        else:
            if csrf is not None:
                data["csrf_token"] = csrf
            response = the_client.post(url, query_string=query, data=data)
        assert response.status_code < 500 or _its_answer(rule.endpoint, response), (
            f"{method} {url} answered {response.status_code}"
        )

    request()


def _query_values(offered: list[str]):
    """A query parameter: mostly a value the page offers, else missing or generated."""
    if not offered:
        return st.one_of(st.none(), fuzzing.TEXT)
    plausible = st.sampled_from(offered)
    return st.one_of(plausible, plausible, st.none(), fuzzing.TEXT)


def _is_file(value) -> bool:
    items = value if isinstance(value, list) else [value]
    return any(isinstance(item, tuple) for item in items)


def _short(values: dict) -> dict:
    """Values as a failure report shows them: long strings cut, files by name."""

    def cut(value):
        if isinstance(value, list):
            return [cut(v) for v in value]
        if isinstance(value, tuple):
            return f"<file {value[1]!r}>"
        text_value = str(value)
        return text_value if len(text_value) <= 60 else f"{text_value[:20]!r}… ({len(text_value)})"

    return {key: cut(value) for key, value in values.items()}


def test_every_route_is_fuzzed(fuzz_app):
    """The list the fuzz test is parametrized by is the app's own url_map, less static files."""
    endpoints = {r.endpoint for r in fuzz_app.url_map.iter_rules()}
    assert endpoints - NOT_FUZZED == set(_fuzzed_endpoints())
