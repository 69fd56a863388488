"""Addresses that count nothing (docs/rules.md R-addresses-count-nothing): every route naming a
case, receipt, document, production, hold, patron request, consent or scan takes a random public
id; the database id no longer opens anything; an unknown address is refused like a missing
row, after the access guard."""

from __future__ import annotations

import re

from disclosure.public_ids import PUBLIC_ID_PATTERN
from tests import factories

# route arguments that name such rows; each must go through a public-id converter
NAMING_ROWS = {"case_id", "document_id", "production_id", "hold_id", "request_id", "consent_id"}


def test_every_route_naming_a_row_takes_a_public_id(app):
    plain = []
    for rule in app.url_map.iter_rules():
        for name in rule.arguments & NAMING_ROWS:
            converter = rule._converters[name]
            if getattr(converter, "regex", "") != PUBLIC_ID_PATTERN:
                plain.append((rule.rule, name))
    assert plain == []


def test_a_case_is_reached_by_its_public_id_and_never_by_its_database_id(client, session, login_as):
    login_as("director")
    case = factories.case(session)
    other = factories.case(session)
    session.commit()
    assert re.fullmatch(PUBLIC_ID_PATTERN, case.public_id) and case.public_id != other.public_id
    page = client.get(f"/cases/{case.public_id}")
    assert page.status_code == 200 and case.reference in page.get_data(as_text=True)
    assert client.get(f"/cases/{case.id}").status_code == 404
    listed = client.get("/cases").get_data(as_text=True)
    assert f'href="/cases/{case.public_id}"' in listed
    assert f'href="/cases/{case.id}"' not in listed


def test_an_unknown_address_is_refused_like_a_missing_row_after_the_guard(
    app, client, session, login_as
):
    case = factories.case(session)
    session.commit()
    anonymous = app.test_client()
    known = anonymous.get(f"/cases/{case.public_id}")
    unknown = anonymous.get("/cases/" + "N" * 16)
    # the sign-in page for both: an address tells nobody signed out whether it names a case
    assert known.status_code == unknown.status_code == 302
    assert "login?next=" in unknown.headers["Location"]
    login_as("director")
    assert client.get("/cases/" + "N" * 16).status_code == 404


def test_a_production_is_numbered_within_its_case_never_by_its_database_id(session):
    """A certificate given to an agency says 'No. 1', 'No. 2' of that case: database ids would
    count the productions of every case between two certificates, gagged ones too."""
    first_case, second_case = factories.case_row(session), factories.case_row(session)
    made = [
        factories.production(session, first_case, []),
        factories.production(session, second_case, []),
        factories.production(session, first_case, []),
    ]
    session.expire_all()
    assert [p.number_in_case for p in made] == [1, 1, 2]
