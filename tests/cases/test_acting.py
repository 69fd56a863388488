"""The acting Director page (docs/rules.md R-acting-director): the Director names someone for a
period."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from disclosure import clock
from disclosure.auth import service as auth
from disclosure.auth.models import ActingDirector
from disclosure.errors import DomainError
from tests import factories


def test_director_names_an_acting_director_who_then_holds_the_directors_powers(
    client, login_as, session
):
    director = login_as("director")
    deputy = factories.user(session, "supervisor", full_name="Sam Okafor")
    session.commit()
    start = clock.local(clock.now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    end = clock.local(clock.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.submit(
        "/acting-director", {"user_id": deputy.id, "starts_at": start, "ends_at": end}
    )
    assert response.status_code == 302
    appointment = session.scalar(select(ActingDirector))
    assert appointment.user_id == deputy.id and appointment.named_by_id == director.id
    assert "director" in auth.roles_of(session, deputy)
    assert deputy in auth.directors_now(session)
    assert "Sam Okafor</bdi></strong> is acting Director" in client.get(
        "/acting-director"
    ).get_data(as_text=True)


def test_counsel_cannot_be_named_acting_director(client, login_as, session):
    login_as("director")
    counsel = factories.user(session, "counsel")
    session.commit()
    start = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    end = clock.local(clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    html = unescape(
        client.submit(
            "/acting-director", {"user_id": counsel.id, "starts_at": start, "ends_at": end}
        ).get_data(as_text=True)
    )
    assert "Who will act as Director" in html  # the choice list offers only staff and supervisors
    assert session.scalar(select(ActingDirector)) is None


def test_an_acting_director_does_not_name_others(client, login_as, session):
    director = factories.user(session, "director")
    deputy = factories.user(session, "staff")
    other = factories.user(session, "staff")
    factories.acting_director(session, director, deputy)
    login_as("staff", deputy)
    html = unescape(client.get("/acting-director").get_data(as_text=True))
    assert "Only the Director names or ends appointments." in html
    start = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    end = clock.local(clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.submit(
        "/acting-director", {"user_id": other.id, "starts_at": start, "ends_at": end}
    )
    assert "Only the Director may name an acting Director" in unescape(
        refused.get_data(as_text=True)
    )
    assert [a.user_id for a in session.scalars(select(ActingDirector))] == [deputy.id]


def _appointed(session, deputy_role: str = "staff"):
    director = factories.user(session, "director")
    deputy = factories.user(session, deputy_role)
    appointment = factories.acting_director(session, director, deputy)
    return director, deputy, appointment


def test_only_the_director_names_or_ends_an_appointment_in_the_service(session):
    _director, deputy, appointment = _appointed(session)
    other = factories.user(session, "supervisor")
    with pytest.raises(DomainError, match="Only the Director may name an acting Director"):
        auth.name_acting_director(
            session, deputy, other, clock.now(), clock.now() + timedelta(days=1)
        )
    with pytest.raises(DomainError, match="Only the Director may end"):
        auth.revoke_acting_director(session, deputy, appointment)
    assert appointment.revoked_at is None
    assert auth.may_appoint(deputy) is False and auth.may_appoint(other) is False


def test_an_acting_director_who_tries_to_end_an_appointment_is_told_no(client, login_as, session):
    _director, deputy, appointment = _appointed(session)
    login_as("staff", deputy)
    response = client.submit(f"/acting-director/{appointment.id}/revoke", page="/acting-director")
    assert response.status_code == 302
    html = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Only the Director may end an acting Director's appointment" in html
    session.refresh(appointment)
    assert appointment.revoked_at is None
    assert "director" in auth.roles_of(session, deputy)


def test_someone_not_acting_as_director_gets_404_from_the_appointment_pages(
    client, login_as, session
):
    _director, _deputy, appointment = _appointed(session)
    login_as("supervisor")
    assert client.get("/acting-director").status_code == 404
    response = client.submit(f"/acting-director/{appointment.id}/revoke", page="/")
    assert response.status_code == 404
    session.refresh(appointment)
    assert appointment.revoked_at is None


def test_the_director_ends_an_appointment_once(client, login_as, session):
    director = login_as("director")
    deputy = factories.user(session, "supervisor")
    appointment = factories.acting_director(session, director, deputy)
    session.commit()
    url = f"/acting-director/{appointment.id}/revoke"
    first = client.submit(url, page="/acting-director")
    assert "The appointment has ended." in client.get(first.headers["Location"]).get_data(
        as_text=True
    )
    assert "director" not in auth.roles_of(session, deputy)
    client.submit(url, page="/acting-director")
    assert "That appointment has already ended." in unescape(
        client.get("/acting-director").get_data(as_text=True)
    )
