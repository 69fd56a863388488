"""A hold's time window takes days and times of day in the library's zone, safe across the
daylight-saving changes (docs/rules.md R-hold-window-times), and the hold form starts from what
the case's request named."""

import re
from datetime import date, time, timedelta

from sqlalchemy import select

from disclosure import clock
from disclosure.holds.models import Hold, PreservedRecord
from disclosure.records import models as m
from disclosure.retention import purge
from tests import factories as f

NOV_26 = date(2026, 11, 26)


def local(day: date, hour: int, minute: int = 0):
    """A wall-clock time at the library (no skipped or doubled hour in these tests)."""
    return clock.at_local(day, time(hour, minute))


def place(client, case, **fields):
    data = {
        "case_id": case.public_id,
        "requested_by": "Det. R. Vance, County Sheriff",
        "requested_on": clock.today().isoformat(),
        "categories": ["computer_sessions"],
        "branch_id": 0,
    }
    data.update(fields)
    return client.submit("/holds/new", data, page=f"/holds/new?case={case.public_id}")


def sessions_left(session) -> set[int]:
    return set(session.scalars(select(m.ComputerSession.id)))


def sessions_preserved(session) -> set[int]:
    """The sessions the purge copied into the preservation store (the hold's own copies)."""
    kind = PreservedRecord.kind == "computer_sessions"
    return set(session.scalars(select(PreservedRecord.original_id).where(kind)))


def test_a_hold_on_two_hours_of_one_computer_keeps_exactly_the_overlapping_sessions(
    client, login_as, session
):
    clock.freeze(f.at(2026, 12, 2, 15))  # every session below is past its 3 days
    login_as("director")
    computer, other = f.workstation(session, code="HQ-PC-03"), f.workstation(session)

    def sitting(start, end, station=computer):
        return f.computer_session(session, station, started_at=start, ended_at=end).id

    kept = {
        sitting(local(NOV_26, 13, 30), local(NOV_26, 14, 15)),  # overlaps the start
        sitting(local(NOV_26, 14, 30), local(NOV_26, 15, 30)),  # inside
        sitting(local(NOV_26, 15, 45), local(NOV_26, 16, 30)),  # overlaps the end
    }
    sitting(local(NOV_26, 11), local(NOV_26, 13, 45) - timedelta(minutes=30))  # before
    sitting(local(NOV_26, 16), local(NOV_26, 17))  # starts as the window ends: after it
    sitting(local(NOV_26, 18), local(NOV_26, 19))  # after
    sitting(local(NOV_26, 14, 30), local(NOV_26, 15, 30), other)  # same hours, another computer
    case = f.held_case(session)
    session.commit()
    response = place(
        client,
        case,
        workstation_codes="HQ-PC-03",
        window_from="2026-11-26",
        window_from_time="14:00",
        window_to="2026-11-26",
        window_to_time="16:00",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hold placed. It covers now: 3 × computer sign-up and session logs" in page
    assert "HQ-PC-03 · 26 Nov 2026, 2:00 p.m. – 4:00 p.m." in page
    purge.run_purge(session.connection())
    assert sessions_preserved(session) == kept and not sessions_left(session)


def test_a_hold_entered_for_one_day_shows_that_day(client, login_as, session):
    clock.freeze(f.at(2026, 12, 2, 15))
    login_as("director")
    case = f.held_case(session)
    session.commit()
    response = place(client, case, window_from="2026-11-26", window_to="2026-11-26")
    hold = session.scalar(select(Hold))
    assert (hold.window_start, hold.window_end) == (
        clock.start_of_local_day(NOV_26),
        clock.start_of_local_day(NOV_26 + timedelta(days=1)),
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<dd>26 Nov 2026</dd>" in page and "27 Nov" not in page
    listed = client.get("/holds").get_data(as_text=True)
    assert "26 Nov 2026" in listed and "27 Nov" not in listed


def test_a_window_across_the_march_change_keeps_the_real_hours_it_names(client, login_as, session):
    clock.freeze(f.at(2026, 3, 12, 15))
    login_as("director")
    computer = f.workstation(session, code="HQ-PC-03")

    def sitting(start, minutes=20):
        return f.computer_session(
            session, computer, started_at=start, ended_at=start + timedelta(minutes=minutes)
        ).id

    # The clocks go forward at 2:00 a.m. on 8 March 2026: 10 p.m. to 4 a.m. is five hours.
    kept = {sitting(local(date(2026, 3, 8), 1, 30)), sitting(local(date(2026, 3, 8), 3, 30))}
    sitting(local(date(2026, 3, 7), 21, 30))
    sitting(local(date(2026, 3, 8), 4, 10))
    case = f.held_case(session)
    session.commit()
    skipped = place(
        client,
        case,
        workstation_codes="HQ-PC-03",
        window_from="2026-03-08",
        window_from_time="02:30",
        window_to="2026-03-08",
        window_to_time="04:00",
    )
    html = skipped.get_data(as_text=True)
    assert skipped.status_code == 200
    assert (
        'id="window_from_time-error">2:30 a.m. on 8 Mar 2026 does not exist at the library: the '
        "clocks went forward from 2:00 a.m. to 3:00 a.m. that night."
    ) in html
    assert session.scalar(select(Hold.id)) is None
    response = place(
        client,
        case,
        workstation_codes="HQ-PC-03",
        window_from="2026-03-07",
        window_from_time="22:00",
        window_to="2026-03-08",
        window_to_time="04:00",
    )
    assert response.status_code == 302
    hold = session.scalar(select(Hold))
    assert hold.window_end - hold.window_start == timedelta(hours=5)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "7 Mar 2026, 10:00 p.m. – 8 Mar 2026, 4:00 a.m." in page
    purge.run_purge(session.connection())
    assert sessions_preserved(session) == kept and not sessions_left(session)


def test_a_time_the_clocks_repeat_widens_the_window_to_both(session, app_context):
    from disclosure.holds.service import HoldRequest, place_hold

    clock.freeze(f.at(2026, 11, 3, 15))
    director = f.user(session, "director")
    # 1 November 2026: the clocks go back at 2:00 a.m., so 1:30 a.m. happens twice.
    hold, _ = place_hold(
        session,
        director,
        f.held_case(session),
        HoldRequest(
            categories=["computer_sessions"],
            requested_on=clock.today(),
            requested_by="Det. R. Vance",
            patron_cards=[],
            workstation_codes=[],
            window_from=date(2026, 11, 1),
            window_from_time=time(1, 30),
            window_to=date(2026, 11, 1),
            window_to_time=time(1, 45),
        ),
    )
    assert hold.window_start == f.at(2026, 11, 1, 6).replace(minute=30)  # 1:30 a.m. CDT
    assert hold.window_end == f.at(2026, 11, 1, 7).replace(minute=45)  # 1:45 a.m. CST
    assert hold.window_end - hold.window_start == timedelta(minutes=75)


def field_value(html: str, name: str) -> str | None:
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>([^<]*)', html)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else tag.group(1).strip()


def test_the_hold_form_starts_from_what_the_case_request_named(client, login_as, session):
    from disclosure.cases.models import CaseSubject

    clock.freeze(f.at(2026, 11, 27, 15))
    login_as("director")
    case = f.held_case(
        session, officer_name="Det. Maria Alvarez", officer_agency="County Sheriff's Office"
    )
    for kind, value in (
        ("patron", "21000000004471"),
        ("patron", "21000000004472"),
        ("workstation", "HQ-PC-03"),
    ):
        session.add(CaseSubject(case_id=case.id, kind=kind, value=value))
    session.add(
        CaseSubject(
            case_id=case.id,
            kind="time_window",
            starts_at=local(NOV_26, 14),
            ends_at=local(NOV_26, 16),
        )
    )
    session.commit()
    html = client.get(f"/holds/new?case={case.public_id}").get_data(as_text=True)
    assert field_value(html, "requested_by") == "Det. Maria Alvarez, County Sheriff&#39;s Office"
    assert field_value(html, "requested_on") == "2026-11-27"
    assert field_value(html, "patron_cards").split() == ["21000000004471", "21000000004472"]
    assert field_value(html, "workstation_codes") == "HQ-PC-03"
    assert field_value(html, "window_from") == "2026-11-26"
    assert field_value(html, "window_from_time") == "14:00"
    assert field_value(html, "window_to") == "2026-11-26"
    assert field_value(html, "window_to_time") == "16:00"
    plain = client.get("/holds/new").get_data(as_text=True)
    assert field_value(plain, "patron_cards") == "" and field_value(plain, "window_from") == ""
