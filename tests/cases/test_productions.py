"""Productions: exactly which records were released, frozen, with a manifest (docs/rules.md
R-production-exact)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from disclosure import clock
from disclosure.cases import productions
from disclosure.cases.models import Production
from disclosure.errors import DomainError
from disclosure.records import models as rec
from tests import factories


@pytest.fixture
def decided(session):
    """A subpoena the Director decided to comply with, and the records it names."""
    director = factories.user(session, "director")
    case = factories.advised_case(session, director=director)
    from disclosure.cases import service

    service.decide(session, director, case, "comply")
    patron = factories.patron(session)
    station = factories.workstation(session)
    loans = [factories.loan(session, patron, days_ago=d) for d in (3, 5)]
    sessions = [
        factories.computer_session(session, station, patron, days_ago=1),
        factories.computer_session(session, station, None, days_ago=1),
    ]
    other = factories.loan(session)  # someone else's: never released
    return {
        "director": director,
        "case": case,
        "patron": patron,
        "station": station,
        "loans": loans,
        "sessions": sessions,
        "other": other,
    }


def _freeze(session, d, **criteria):
    values = {"kinds": ["patrons", "loans", "computer_sessions"], **criteria}
    return productions.freeze(
        session,
        d["director"],
        d["case"],
        productions.Criteria(**values),
        recipient="Det. Jordan Hale, Jefferson County Sheriff's Office",
        authority="Subpoena 26JE-CR00123",
    )


def test_production_frozen_copy_survives_deleting_the_original_records(
    session, decided, app_context
):
    patron = decided["patron"]
    production = _freeze(session, decided, card_number=patron.card_number)
    csv_before = productions.export_csv(decided["case"], production)
    json_before = productions.export_json(decided["case"], production)
    session.execute(delete(rec.ComputerSession).where(rec.ComputerSession.patron_id == patron.id))
    session.execute(delete(rec.Loan).where(rec.Loan.patron_id == patron.id))
    session.execute(delete(rec.Patron).where(rec.Patron.id == patron.id))
    session.flush()
    session.expire_all()
    frozen = session.get(Production, production.id)
    assert sorted((i.record_kind, i.record_id) for i in frozen.items) == sorted(
        [("patrons", patron.id)]
        + [("loans", loan.id) for loan in decided["loans"]]
        + [("computer_sessions", decided["sessions"][0].id)]
    )
    loan_copy = next(i for i in frozen.items if i.record_kind == "loans")
    assert (
        loan_copy.patron_id == patron.id
        and loan_copy.data["patron_card_number"] == patron.card_number
    )
    assert loan_copy.data["item_title"] == "Gilead" and loan_copy.data["checked_out_at"].endswith(
        "+00:00"
    )
    assert productions.export_csv(decided["case"], frozen) == csv_before
    assert productions.export_json(decided["case"], frozen) == json_before
    assert frozen.manifest["files"]["records.csv"] == hashlib.sha256(csv_before).hexdigest()


def test_manifest_carries_each_files_sha256_and_the_downloads_match(
    app, client, login_as, session, decided
):
    login_as("director", decided["director"])
    with app.app_context():
        production = _freeze(session, decided, card_number=decided["patron"].card_number)
    session.commit()
    base = f"/cases/{decided['case'].public_id}/productions/{production.public_id}/files"
    manifest = json.loads(client.get(f"{base}/manifest.json").data)
    for name in ("records.csv", "records.json"):
        body = client.get(f"{base}/{name}").data
        assert manifest["files"][name] == hashlib.sha256(body).hexdigest()
    assert manifest["case"] == decided["case"].reference and manifest["total"] == 4
    assert manifest["counts"] == {"computer_sessions": 1, "loans": 2, "patrons": 1}
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}/records.csv").data.decode())))
    assert {r["kind"] for r in rows} == {"patrons", "loans", "computer_sessions"}
    assert "pin_hash" not in rows[0]  # secrets are never part of a release
    assert client.get(f"{base}/../../etc").status_code == 404


def test_production_needs_a_decision_to_comply(session):
    director = factories.user(session, "director")
    case = factories.advised_case(session, director=director)
    with pytest.raises(DomainError, match="decision to comply"):
        productions.freeze(
            session,
            director,
            case,
            productions.Criteria(kinds=["loans"], card_number="x"),
            recipient="r",
            authority="a",
        )


def test_production_never_releases_everything(session, decided):
    with pytest.raises(DomainError, match="never releases everything"):
        _freeze(session, decided)


def test_production_by_workstation_and_time_window_picks_only_those_sessions(
    session, decided, app_context
):
    station = decided["station"]
    elsewhere = factories.computer_session(session, None, decided["patron"], days_ago=1)
    older = factories.computer_session(session, station, None, days_ago=6)
    start, end = clock.now() - timedelta(days=2), clock.now()
    production = _freeze(
        session,
        decided,
        workstation_code=station.code,
        starts_at=start,
        ends_at=end,
        kinds=["computer_sessions", "loans"],
    )
    ids = {i.record_id for i in production.items}
    assert (
        ids == {s.id for s in decided["sessions"]}
        and elsewhere.id not in ids
        and older.id not in ids
    )
    walk_in = next(i for i in production.items if i.patron_id is None)
    assert (
        walk_in.data["signup_name"] == "Walk In"
        and walk_in.data["workstation_code"] == station.code
    )


def test_preview_then_release_on_the_page(client, login_as, session, decided):
    login_as("director", decided["director"])
    case = decided["case"]
    session.commit()
    url = f"/cases/{case.public_id}/productions/new"
    form = {
        "card_number": decided["patron"].card_number,
        "kinds": ["loans"],
        "recipient": "Det. Hale",
        "authority": "Subpoena",
        "action": "preview",
    }
    html = client.submit(url, form).get_data(as_text=True)
    assert "Preview: 2 records" in html and "Release these 2 records" in html
    digest = productions.digest(
        sorted(
            productions.select_records(
                session,
                productions.Criteria(kinds=["loans"], card_number=decided["patron"].card_number),
            ),
            key=lambda r: (r.kind, r.record_id),
        )
    )
    assert f'value="{digest}"' in html
    response = client.submit(url, {**form, "action": "release", "preview_digest": digest})
    assert response.status_code == 302
    production = session.scalar(select(Production).where(Production.case_id == case.id))
    assert production.produced_by_id == decided["director"].id and len(production.items) == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "records.csv" in page and production.manifest["files"]["records.csv"] in page


def test_release_refuses_when_the_records_changed_since_the_preview(session, decided, app_context):
    criteria = productions.Criteria(kinds=["loans"], card_number=decided["patron"].card_number)
    seen = productions.digest(
        sorted(productions.select_records(session, criteria), key=lambda r: (r.kind, r.record_id))
    )
    factories.loan(session, decided["patron"], days_ago=1)
    with pytest.raises(DomainError, match="changed since the preview"):
        productions.freeze(
            session,
            decided["director"],
            decided["case"],
            criteria,
            recipient="r",
            authority="a",
            expected_digest=seen,
        )
