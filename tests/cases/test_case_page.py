"""The case page says what is true of the case: an emergency release's advice and what it
released, a preservation hold in place, and a restricted matter kept off the desk screen."""

from __future__ import annotations

import html
import re

from disclosure import clock
from disclosure.cases import service
from tests import factories


def _text(response) -> str:
    return re.sub(
        r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    )


def test_an_emergency_release_shows_counsels_advice_what_was_released_and_no_close_until_the_paper(
    app, client, session, login_as
):
    clock.freeze(factories.at(2026, 11, 14, 17))
    director = login_as("director")
    case = factories.case(session, "exigent")
    with app.app_context():  # the paperwork's days are a setting
        service.record_exigent_waiver(
            session,
            director,
            case,
            counsel_name="Morgan Reyes, Esq.",
            advised_at=clock.now(),
            advice="Release the sign-up name only.",
            by_phone=True,
            emergency="Bomb threat",
            released="The sign-up name for one session",
        )
    service.decide(session, director, case, "comply")
    session.commit()
    page = _text(client.get(f"/cases/{case.public_id}"))
    assert (
        "For the emergency release, Morgan Reyes, Esq. advised on 14 Nov 2026, 11:00 a.m. (by "
        "phone)" in page
    )
    assert "No counsel assigned yet" not in page
    assert "Released under the exigent waiver: The sign-up name for one session." in page
    assert (
        "The case stays open until the officer's paper for the emergency release is attached (due "
        "21 Nov 2026)." in page
    )
    assert "Close with the outcome" not in page


def test_a_preservation_case_with_its_hold_in_place_says_until_when(client, session, login_as):
    clock.freeze(factories.at(2026, 3, 2, 15))
    login_as("director")
    case = factories.held_case(session)
    factories.hold(session, case, days=90)
    session.commit()
    page = _text(client.get(f"/cases/{case.public_id}"))
    assert "The named records are preserved until 31 May 2026." in page
    assert "Preservation hold ends: 31 May 2026" in page
    assert "Place the hold on the named records" not in page


def test_the_desk_home_does_not_name_a_restricted_matter(client, session, login_as):
    clerk = login_as("staff")
    factories.case(session, "nsl", clerk=clerk)
    factories.case(session, "subpoena", clerk=clerk)
    session.commit()
    page = _text(client.get("/"))
    assert "Restricted matter" in page and "Subpoena" in page
    assert "National Security Letter" not in page


def test_the_director_sees_which_named_cards_and_computers_match_no_record(
    client, session, login_as
):
    login_as("director")
    patron = factories.patron(session)
    computer = factories.workstation(session)
    case = factories.case(
        session,
        "subpoena",
        patron_cards=[patron.card_number, "21999999999999"],
        workstation_codes=[computer.code, "NO-SUCH-PC"],
    )
    session.commit()
    page = _text(client.get(f"/cases/{case.public_id}"))
    assert "card 21999999999999 No such card in the records: check the paper" in page
    assert "NO-SUCH-PC No such computer in the records: check the paper" in page
    assert (
        f"card {patron.card_number} No such card" not in page
        and f"{computer.code} No such computer" not in page
    )


def test_the_waiver_form_offers_the_counsel_accounts_and_names_every_missing_field(
    client, session, login_as
):
    clock.freeze(factories.at(2026, 11, 14, 17))
    counsel = factories.user(session, "counsel")
    login_as("director")
    case = factories.case(session, "exigent")
    session.commit()
    page = client.get(f"/cases/{case.public_id}").get_data(as_text=True)
    assert f'<option value="{counsel.id}">{html.escape(counsel.full_name)}</option>' in page
    assert "Outside counsel (name below)" in page and "Seed policy" not in page
    waiver = page[page.index("Record an exigent waiver") : page.index("Record the waiver")]
    assert waiver.count("(required)") == 5  # counsel, when, advice, emergency, released
    response = client.submit(
        f"/cases/{case.public_id}/exigent-waiver",
        {"counsel": "outside", "emergency": "Threat to life"},
        page=f"/cases/{case.public_id}",
    )
    text = _text(response)
    assert response.status_code == 422
    for missing in (
        "Enter the name of the outside counsel who advised.",
        "Enter when counsel advised",
        "Record counsel's advice",
        "Record what was released to the officer.",
    ):
        assert missing in text
    assert "Record the emergency the officer stated." not in text


def test_a_waiver_names_outside_counsel_and_the_next_step_is_not_assign_counsel(
    client, session, login_as
):
    clock.freeze(factories.at(2026, 11, 14, 17))
    login_as("director")
    case = factories.case(session, "exigent")
    session.commit()
    response = client.submit(
        f"/cases/{case.public_id}/exigent-waiver",
        {
            "counsel": "outside",
            "outside_counsel": "Pat Lee",
            "advised_at": "2026-11-14T10:30",
            "advice": "Release the sign-up name.",
            "emergency": "Threat to life",
            "released": "One sign-up name",
        },
        page=f"/cases/{case.public_id}",
    )
    assert response.status_code == 302
    session.expire_all()
    assert case.waiver.counsel_name == "Pat Lee (outside counsel)"
    case.paperwork_received_at = clock.now()  # the officer's paper came
    session.commit()
    page = _text(client.get(f"/cases/{case.public_id}"))
    step = page[page.index("Next step") : page.index("Next step") + 300]
    assert "Assign counsel" not in step
    assert "Record exactly which records were released" in step


def test_the_preservation_case_offers_place_the_hold_in_its_next_step(client, session, login_as):
    login_as("director")
    case = factories.case(session, "preservation")
    session.commit()
    page = client.get(f"/cases/{case.public_id}").get_data(as_text=True)
    step = page[page.index("Next step") : page.index('class="case-columns"')]
    assert f'href="/cases/{case.public_id}/holds/new"' in step or "Place the hold</a>" in step
    assert page.index('id="holds-h"') < page.index("Decision</h2>")
