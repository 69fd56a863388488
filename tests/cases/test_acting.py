"""The acting Director page (issue 3, item 2): the Director names someone for a period."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from sqlalchemy import select

from disclosure import clock
from disclosure.auth import service as auth
from disclosure.auth.models import ActingDirector
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
    auth.name_acting_director(
        session,
        director,
        deputy,
        clock.now() - timedelta(minutes=1),
        clock.now() + timedelta(days=1),
    )
    login_as("staff", deputy)
    html = unescape(client.get("/acting-director").get_data(as_text=True))
    assert "Only the Director names or ends appointments." in html
    start = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    end = clock.local(clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.submit("/acting-director", {"user_id": other.id, "starts_at": start, "ends_at": end})
    assert [a.user_id for a in session.scalars(select(ActingDirector))] == [deputy.id]
