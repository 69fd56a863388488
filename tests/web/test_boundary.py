"""The input boundary (disclosure/web/boundary.py, disclosure/web/forms.py): what no person types
is refused beside its field, ids out of range answer 404, `next` stays on the site, a field over
its limit says so and keeps the text, and typed text cannot reverse or widen a page."""

from __future__ import annotations

import importlib
import pkgutil
from html import unescape

import pytest
from sqlalchemy import select
from wtforms import StringField

from disclosure.cases.models import Case
from disclosure.patrons.models import CorrectionRequest
from disclosure.web import boundary
from disclosure.web.forms import BaseForm, MaxLength
from tests import factories
from tests.patrons.steps import sign_in_patron

NUL_MESSAGE = "Remove the invisible control character (U+0000)."
THIRTY_NINES = "9" * 30


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_a_nul_in_the_sign_in_name_answers_400_with_the_reason_beside_it(client, session):
    user = factories.user(session, "director")
    session.commit()
    response = client.submit(
        "/login", {"username": user.username + "\x00", "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    page = _text(response)
    assert NUL_MESSAGE in page and 'id="username-error"' in page
    assert client.get("/cases").status_code == 302  # not signed in


def test_a_nul_in_the_patrons_card_number_answers_400_with_the_reason(client, session):
    patron = factories.patron(session)
    session.commit()
    response = client.submit(
        "/patron/login", {"card_number": patron.card_number + "\x00", "pin": factories.PIN}
    )
    assert response.status_code == 400 and NUL_MESSAGE in _text(response)


def test_a_one_line_field_refuses_a_tab_and_a_multi_line_field_keeps_tabs_and_lines(
    client, login_as, session
):
    login_as("staff")
    form = {
        "officer_name": "Det.\tJordan Hale",
        "officer_agency": "Sheriff",
        "records_sought": "Loans\tin October\r\nand November",
    }
    refused = client.submit("/cases/new?kind=subpoena", form)
    assert refused.status_code == 400
    assert "This field takes one line: remove the tab." in _text(refused)
    accepted = client.submit("/cases/new?kind=subpoena", {**form, "officer_name": "Det. Hale"})
    assert accepted.status_code == 302
    case = session.scalars(select(Case).where(Case.officer_name == "Det. Hale")).one()
    assert case.records_sought == "Loans\tin October\r\nand November"


def test_a_direction_override_is_refused_in_a_form(client, login_as):
    login_as("staff")
    response = client.submit(
        "/cases/new?kind=subpoena",
        {"officer_name": "Det. \u202eelaH", "officer_agency": "Sheriff", "records_sought": "x"},
    )
    assert response.status_code == 400
    assert "direction-control character (U+202E)" in _text(response)


def test_a_stored_direction_override_cannot_reverse_the_officers_text_on_the_case_page(
    client, login_as, session
):
    director = login_as("director")
    case = factories.case(session, officer_name="Det. \u202eelaH nodroJ")
    session.commit()
    page = client.get(f"/cases/{case.public_id}").get_data(as_text=True)
    assert "\u202e" not in page
    assert "<bdi>Det. elaH nodroJ</bdi>" in page
    assert director  # signed in as the Director, who sees every case


@pytest.mark.parametrize(
    "url", [f"/cases/{THIRTY_NINES}", "/holds/2147483648", f"/documents/{THIRTY_NINES}.pdf"]
)
def test_an_id_out_of_range_in_a_url_answers_404(client, login_as, url):
    login_as("director")
    assert client.get(url).status_code == 404


def test_an_id_out_of_range_in_a_form_answers_404(client, login_as, session):
    login_as("director")
    case = factories.case(session, kind="nsl")  # gagged from intake: it has a circle
    session.commit()
    response = client.submit(
        f"/cases/{case.public_id}/circle",
        {"user_id": THIRTY_NINES},
        page=f"/cases/{case.public_id}",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "target", ["/\r\nSet-Cookie: a=b", "//evil.example/", "/\\evil.example", "https://evil.example"]
)
def test_next_after_sign_in_is_only_a_path_on_this_site(client, session, target):
    user = factories.user(session, "director")
    session.commit()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "username": user.username,
            "password": factories.PASSWORD,
            "csrf_token": client.csrf_token("/login"),
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_next_after_sign_in_keeps_a_local_path_with_its_query(client, session):
    user = factories.user(session, "director")
    session.commit()
    response = client.post(
        "/login",
        query_string={"next": "/holds?tab=active"},
        data={
            "username": user.username,
            "password": factories.PASSWORD,
            "csrf_token": client.csrf_token("/login"),
        },
    )
    assert response.headers["Location"] == "/holds?tab=active"


def test_a_600000_character_answer_says_the_field_is_too_long_and_keeps_the_text(client, session):
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    page = _text(client.get("/patron/correction"))
    assert "Up to 2,000 characters." in page
    assert 'maxlength="2000"' not in page  # the browser must not cut a paste short in silence
    answer = "My address is wrong. " + "x" * 600_000
    response = client.submit("/patron/correction", {"details": answer})
    assert response.status_code == 200
    page = _text(response)
    assert f"This is {len(answer):,} characters long; the limit is 2,000." in page
    assert answer in page
    assert "file is too large" not in page
    assert session.scalars(select(CorrectionRequest)).all() == []


def test_a_request_over_the_size_limit_says_nothing_was_saved(client, login_as):
    login_as("staff")
    response = client.post(
        "/cases/new?kind=subpoena", data={"records_sought": "x" * (boundary.MAX_REQUEST_BYTES + 1)}
    )
    assert response.status_code == 413
    assert boundary.TOO_LARGE in _text(response)


def test_a_date_out_of_the_calendar_a_library_keeps_is_refused(client, session):
    patron = factories.patron(session)
    session.commit()
    sign_in_patron(client, patron)
    response = client.submit(
        "/patron/ask", {"subject_id": str(patron.id), "covers_from": "0001-01-01"}
    )
    assert "Enter a date from 1900 to 2199." in _text(response)


def test_a_json_body_is_not_read_as_a_form(client, session):
    user = factories.user(session, "director")
    session.commit()
    response = client.post(
        "/login",
        json={"username": user.username, "password": factories.PASSWORD},
        headers={"X-CSRFToken": client.csrf_token("/login")},
    )
    assert response.status_code == 200 and "Enter your username." in _text(response)


# ---- the forms themselves -------------------------------------------------------------------


def _every_form_class() -> set[type]:
    from flask_wtf import FlaskForm

    import disclosure

    # every module of the package, so that no form class can hide in one not yet imported
    for module in pkgutil.walk_packages(disclosure.__path__, "disclosure."):
        importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return {cls for cls in below(FlaskForm) if cls.__module__.startswith("disclosure.")}


def test_every_form_derives_from_the_boundarys_base_form(app):
    forms = _every_form_class()
    assert len(forms) > 25  # every area's forms were found
    assert {cls.__qualname__ for cls in forms if not issubclass(cls, BaseForm)} == set()


def test_every_text_field_has_a_stated_limit(app):
    unlimited = []
    with app.test_request_context():
        for cls in _every_form_class() - {BaseForm}:
            for field in cls(meta={"csrf": False}):
                limits = [getattr(v, "max", -1) for v in field.validators]
                if isinstance(field, StringField) and max(limits, default=-1) < 1:
                    unlimited.append(f"{cls.__name__}.{field.name}")
                if field.type == "TextAreaField" and not any(
                    isinstance(v, MaxLength) for v in field.validators
                ):
                    unlimited.append(f"{cls.__name__}.{field.name} (no MaxLength)")
    assert unlimited == []


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/cases?x=1", "/cases?x=1"),
        ("/", "/"),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("/a\tb", None),
        ("/a\u0085b", None),
        ("http://evil.example/", None),
        ("cases", None),
        ("", None),
        (None, None),
    ],
)
def test_local_path(target, kept):
    assert boundary.local_path(target) == kept


def test_a_time_the_clocks_skip_is_refused_beside_the_field(app):
    from wtforms import DateTimeLocalField

    class When(BaseForm):
        class Meta:
            csrf = False

        at = DateTimeLocalField("At", format="%Y-%m-%dT%H:%M")

    with app.test_request_context(method="POST", data={"at": "2026-03-08T02:30"}):
        skipped = When()
        assert not skipped.validate()
        assert "2:30 a.m. on 8 Mar 2026 does not exist at the library" in skipped.at.errors[0]
    with app.test_request_context(method="POST", data={"at": "2026-03-08T03:30"}):
        assert When().validate()
