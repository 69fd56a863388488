"""The Director's gag-order controls, through the pages a Director uses."""

from sqlalchemy import select

from disclosure import clock
from disclosure.audit.models import AuditEvent
from disclosure.cases.models import Case
from tests import factories
from tests.pages import as_seen


def test_director_records_a_gag_and_the_case_leaves_counsels_colleagues_sight(
    app, client, session, login_as
):
    director = login_as("director")
    case = factories.case(session, kind="subpoena")
    session.commit()
    page = f"/cases/{case.public_id}"
    response = client.submit(
        f"/cases/{case.public_id}/gag",
        {"issued_by": "U.S. District Court, E.D. Mo.", "issued_on": "2026-11-20", "until": ""},
        page=page,
        follow_redirects=True,
    )
    assert "Gag order recorded. Only the circle can see this case now." in response.get_data(
        as_text=True
    )
    assert session.scalar(select(Case.gagged).where(Case.id == case.id)) is True
    assert director.id


def test_a_named_member_sees_the_case_page_until_removed(app, client, session, login_as):
    login_as("director")
    case = factories.case(session, kind="nsl")
    member = factories.user(session, "supervisor")
    session.commit()
    page = f"/cases/{case.public_id}"
    member_client = app.test_client()
    login_as("supervisor", member, the_client=member_client)
    assert member_client.get(page).status_code == 404

    client.submit(f"/cases/{case.public_id}/circle", {"user_id": str(member.id)}, page=page)
    assert member_client.get(page).status_code == 200
    client.submit(f"/cases/{case.public_id}/circle/{member.id}/remove", {}, page=page)
    missing = member_client.get("/cases/" + "N" * 16)  # a public id no case has
    gone = member_client.get(page)
    assert gone.status_code == 404 and as_seen(gone) == as_seen(missing)


def test_lifting_the_gag_shows_on_the_timeline_with_when_and_why(client, session, login_as):
    clock.freeze(factories.at(2026, 11, 23, 16))
    login_as("director")
    case = factories.case(session, kind="fisa_order")
    session.commit()
    page = f"/cases/{case.public_id}"
    response = client.submit(
        f"/cases/{case.public_id}/gag/lift",
        {"reason": "The court lifted the order", "authority": "Order of 20 Nov 2026"},
        page=page,
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Gag order lifted. The case is back under the normal rules." in html
    assert (
        "Gag order lifted" in html
        and "The court lifted the order (authority: Order of 20 Nov 2026)" in html
    )
    assert "23 Nov 2026, 10:00 a.m." in html  # when, in library time
    event = session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.gag_lifted"
        )
    )
    assert event is not None


def test_lifting_needs_a_reason_and_an_authority(client, session, login_as):
    login_as("director")
    case = factories.case(session, kind="nsl")
    session.commit()
    response = client.submit(
        f"/cases/{case.public_id}/gag/lift",
        {"reason": "", "authority": ""},
        page=f"/cases/{case.public_id}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why the gag is lifted." in html and "Name the order or the authority." in html
    assert session.scalar(select(Case.gagged).where(Case.id == case.id)) is True


def test_only_the_director_controls_the_gag(app, client, session, login_as):
    case = factories.case(session, kind="nsl")
    counsel = factories.user(session, "counsel")
    case.counsel_id = counsel.id
    session.commit()
    login_as("counsel", counsel)
    token = client.csrf_token(f"/cases/{case.public_id}")
    response = client.post(
        f"/cases/{case.public_id}/gag/lift",
        data={"csrf_token": token, "reason": "x", "authority": "y"},
    )
    assert response.status_code == 404
    assert session.scalar(select(Case.gagged).where(Case.id == case.id)) is True


def test_a_member_taken_out_of_the_circle_stops_seeing_its_notices(app, client, session, login_as):
    from disclosure.cases import gag

    director = login_as("director")
    case = factories.case(session, kind="nsl")
    member = factories.user(session, "supervisor")
    gag.add_member(session, director, case, member)
    gag.notify_about_case(session, member, case, "anything")
    session.commit()
    member_client = app.test_client()
    login_as("supervisor", member, the_client=member_client)
    assert "A restricted matter needs your attention" in member_client.get("/").get_data(
        as_text=True
    )
    client.submit(
        f"/cases/{case.public_id}/circle/{member.id}/remove", {}, page=f"/cases/{case.public_id}"
    )
    assert "A restricted matter needs your attention" not in member_client.get("/").get_data(
        as_text=True
    )
    assert "A restricted matter needs your attention" not in member_client.get(
        "/notifications/"
    ).get_data(as_text=True)
