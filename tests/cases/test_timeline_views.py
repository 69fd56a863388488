"""A case page viewed many times reads as one timeline entry per kind of view: how often, by
how many people, last when, with a line per person to expand."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from disclosure import clock
from disclosure.cases import service
from tests import factories


def test_views_fold_into_one_entry_with_a_line_per_person(client, session, login_as):
    clock.freeze(factories.at(2026, 11, 30, 15))
    counsel = factories.user(session, "counsel", full_name="Morgan Ellis")
    case = factories.case(session, "subpoena")
    for _ in range(40):
        service.record_view(session, counsel, case)
    clock.freeze(factories.at(2026, 12, 2, 15))
    director = login_as("director")
    for _ in range(2):
        page = unescape(client.get(f"/cases/{case.public_id}").get_data(as_text=True))
    assert page.count("<strong>Case page viewed</strong>") == 1
    assert "<bdi>Viewed by 2 people</bdi> · 2 Dec 2026, 9:00 a.m." in page
    assert "42 times in all; the date is the last one's" in page
    assert "Morgan Ellis: 40 times, last on 30 Nov 2026" in page
    assert f"{director.full_name}: 2 times, last on 2 Dec 2026" in page
    # the intake events are still told one by one, before the views
    assert page.index("Logged at the desk") < page.index("Case page viewed")


def test_the_timeline_does_not_grow_with_views(client, session, login_as):
    clock.freeze(factories.at(2026, 11, 30, 15))
    login_as("director")
    case = factories.case(session, "subpoena")
    session.commit()
    few = client.get(f"/cases/{case.public_id}").get_data(as_text=True)
    counsel = factories.user(session, "counsel")
    for minutes in range(300):
        clock.freeze(factories.at(2026, 11, 30, 15) + timedelta(minutes=minutes))
        service.record_view(session, counsel, case)
    session.commit()
    many = client.get(f"/cases/{case.public_id}").get_data(as_text=True)
    assert many.count("<li>") - few.count("<li>") <= 2  # one more viewer line, at most
