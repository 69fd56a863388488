"""The two-person rule (docs/rules.md R-two-person): what the administrator does to an account
reaches no record until a holder of the Director's powers confirms it; contact details of the
Director and counsel; the last Director; supervisors; every account event told and listed."""

from html import unescape

from sqlalchemy import select

from disclosure.audit.models import AuditEvent
from disclosure.auth import second_factor
from disclosure.auth.models import User
from disclosure.notify.models import Notification
from disclosure.patrons import service as patron_service
from tests import factories
from tests.auth.steps import ADMINS_PASSWORD, admin_sets_password
from tests.patrons.steps import verify

OWN_PASSWORD = "tidal marble orchard 91"


def _admin_creates(client, username: str, role: str = "staff") -> None:
    client.submit(
        "/admin/users/new",
        {
            "username": username,
            "full_name": "Robin Quill",
            "role": role,
            "supervisor_id": "0",
            "password": ADMINS_PASSWORD,
        },
    )


def _sign_in_as_new(app, username: str):
    """The new account's owner signs in and replaces the administrator's password."""
    own = app.test_client()
    own.submit("/login", {"username": username, "password": ADMINS_PASSWORD})
    own.submit(
        "/account/password",
        {"current": ADMINS_PASSWORD, "new": OWN_PASSWORD, "again": OWN_PASSWORD},
    )
    return own


def _notices(session, person) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.recipient_id == person.id)))


def test_an_administrator_made_account_gets_404_on_a_patron_report_until_the_director_confirms(
    app, client, session, login_as
):
    director = factories.user(session, "director")
    patron = factories.patron(session)
    factories.loan(session, patron)
    session.commit()
    with app.app_context():
        asked = patron_service.ask_for_records(session, patron)
        session.commit()
    verify(app, session, asked)
    login_as("admin")
    _admin_creates(client, "rquill")
    new = session.scalar(select(User).where(User.username == "rquill"))
    assert new.awaiting == {"created"}
    own = _sign_in_as_new(app, "rquill")
    report = f"/desk/patron-requests/{asked.public_id}/report.pdf"
    for page in (report, f"/desk/patron-requests/{asked.public_id}", "/desk/patron-requests"):
        assert own.get(page).status_code == 404, page
    assert "Awaiting the Director" in unescape(own.get("/").get_data(as_text=True))

    director_client = app.test_client()
    login_as("director", director, the_client=director_client)
    staff_page = director_client.get("/staff").get_data(as_text=True)
    assert "Awaiting your confirmation" in staff_page and "Account created" in staff_page
    director_client.submit(f"/staff/{new.id}/confirm", page="/staff")
    session.refresh(new)
    assert new.awaiting == frozenset()
    assert own.get("/desk/patron-requests").status_code == 200
    assert own.get(f"/desk/patron-requests/{asked.public_id}").status_code == 200


def test_an_account_awaiting_confirmation_sees_no_gagged_case_it_was_named_to(
    app, client, session, login_as
):
    from disclosure.cases.models import CaseMember
    from disclosure.cases.visibility import load_case

    clerk = factories.user(session, "staff")
    case = factories.case_row(session, kind="nsl", gagged=True)
    session.add(CaseMember(case_id=case.id, user_id=clerk.id, added_by_id=clerk.id))
    session.commit()
    login_as("admin")
    client.submit(
        f"/admin/users/{clerk.id}",
        {"full_name": clerk.full_name, "role": "supervisor", "supervisor_id": "0"},
    )
    session.refresh(clerk)
    assert clerk.awaiting == {"role"} and load_case(session, clerk, case.id) is None


def test_re_enabling_and_a_new_role_await_confirmation_and_every_event_is_told(
    app, client, session, login_as
):
    director = factories.user(session, "director")
    clerk = factories.user(session, "staff", is_enabled=False)
    supervisor = factories.user(session, "supervisor")
    admin = login_as("admin")
    client.submit(f"/admin/users/{clerk.id}/enabled", page="/admin/users")
    client.submit(
        f"/admin/users/{clerk.id}",
        {"full_name": clerk.full_name, "role": "staff", "supervisor_id": str(supervisor.id)},
    )
    session.refresh(clerk)
    assert clerk.is_enabled and clerk.awaiting == {"enabled"}
    assert clerk.supervisor_id == supervisor.id
    subjects = sorted(n.subject for n in _notices(session, director))
    assert subjects == [
        f"Staff account no. {clerk.id}: account enabled",
        f"Staff account no. {clerk.id}: supervisor changed",
    ]
    for note in _notices(session, director):
        assert clerk.username not in note.body and clerk.full_name not in note.body
        assert f"account no. {admin.id}" in note.body
    actions = set(
        session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == clerk.id))
    )
    assert {"user.enabled", "user.supervisor_changed"} <= actions


def test_the_administrator_cannot_change_the_directors_or_counsels_contact_details(
    app, client, session, login_as
):
    director = factories.user(session, "director")
    counsel = factories.user(session, "counsel")
    login_as("admin")
    for owner in (director, counsel):
        html = client.submit(
            f"/admin/users/{owner.id}",
            {
                "full_name": owner.full_name,
                "role": owner.role,
                "supervisor_id": "0",
                "email": "it-desk@example.org",
                "phone": owner.phone,
            },
        ).get_data(as_text=True)
        assert "Only the person or the Director changes the e-mail and phone" in html
        session.refresh(owner)
        assert owner.email != "it-desk@example.org"


def test_an_acting_director_does_not_change_the_directors_or_counsels_contact_details(
    app, client, session, login_as
):
    director = factories.user(session, "director", email="director@example.org")
    counsel = factories.user(session, "counsel", email="counsel@example.org")
    deputy = factories.user(session, "supervisor")
    clerk = factories.user(session, "staff")
    factories.acting_director(session, director, deputy)
    login_as("supervisor", deputy)
    for owner in (director, counsel):
        html = client.submit(
            f"/staff/{owner.id}",
            {"email": "deputy@example.org", "phone": "", "supervisor_id": "0"},
        ).get_data(as_text=True)
        assert "An acting Director does not change the e-mail and phone" in unescape(html)
        session.refresh(owner)
        assert owner.email != "deputy@example.org"
    # the Director's other powers stand: a clerk's contact details, changed
    client.submit(
        f"/staff/{clerk.id}", {"email": "desk@example.org", "phone": "", "supervisor_id": "0"}
    )
    session.refresh(clerk)
    assert clerk.email == "desk@example.org"


def test_the_person_or_the_director_changes_contact_details(app, client, session, login_as):
    counsel = factories.user(session, "counsel")
    login_as("counsel", counsel)
    client.submit("/account/contact", {"email": "counsel@example.org", "phone": "555-0199"})
    session.refresh(counsel)
    assert (counsel.email, counsel.phone) == ("counsel@example.org", "555-0199")
    director_client = app.test_client()
    login_as("director", the_client=director_client)
    supervisor = factories.user(session, "supervisor")
    session.commit()
    director_client.submit(
        f"/staff/{counsel.id}",
        {"email": "counsel2@example.org", "phone": "555-0100", "supervisor_id": "0"},
    )
    session.refresh(counsel)
    assert counsel.email == "counsel2@example.org"
    clerk = factories.user(session, "staff")
    session.commit()
    director_client.submit(
        f"/staff/{clerk.id}",
        {"email": "", "phone": "", "supervisor_id": str(supervisor.id)},
    )
    session.refresh(clerk)
    assert clerk.supervisor_id == supervisor.id


def test_the_last_holder_of_the_directors_powers_cannot_be_disabled_by_the_administrator(
    app, client, session, login_as
):
    director = factories.user(session, "director")
    login_as("admin")
    response = client.submit(
        f"/admin/users/{director.id}/enabled", page="/admin/users", follow_redirects=True
    )
    assert "only active account with the Director" in unescape(response.get_data(as_text=True))
    session.refresh(director)
    assert director.is_enabled
    second = factories.user(session, "director")
    session.commit()
    client.submit(f"/admin/users/{director.id}/enabled", page="/admin/users")
    session.refresh(director)
    assert not director.is_enabled and second.is_enabled


def test_a_password_reset_is_confirmed_by_the_owners_own_second_factor(
    app, client, session, login_as
):
    clerk = factories.user(session, "staff")
    with app.app_context():
        second_factor.enrol_known_secret(session, clerk, factories.TOTP_SECRET)
    session.commit()
    login_as("admin")
    admin_sets_password(client, clerk)
    session.refresh(clerk)
    assert clerk.awaiting == {"password"}
    own = app.test_client()
    own.submit("/login", {"username": clerk.username, "password": ADMINS_PASSWORD})
    own.submit("/sign-in/second-factor", {"code": factories.totp_code()})
    session.refresh(clerk)
    assert clerk.awaiting == frozenset()
    assert session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "user.confirmed_by_owner", AuditEvent.object_id == clerk.id
        )
    )


def test_a_factor_added_after_the_reset_does_not_confirm_it(app, client, session, login_as):
    clerk = factories.user(session, "staff")
    session.commit()
    login_as("admin")
    admin_sets_password(client, clerk)
    with app.app_context():
        session.refresh(clerk)
        second_factor.enrol_known_secret(session, clerk, factories.TOTP_SECRET)
        session.commit()
    own = app.test_client()
    own.submit("/login", {"username": clerk.username, "password": ADMINS_PASSWORD})
    own.submit("/sign-in/second-factor", {"code": factories.totp_code()})
    session.refresh(clerk)
    assert clerk.awaiting == {"password"}


def test_the_administrator_resets_a_second_factor_and_the_owner_enrolling_confirms_it(
    app, client, session, login_as
):
    director = factories.user(session, "director")
    clerk = factories.user(session, "staff")
    with app.app_context():
        second_factor.enrol_known_secret(session, clerk, factories.TOTP_SECRET)
    session.commit()
    login_as("admin")
    page = client.get(f"/admin/users/{clerk.id}/second-factor").get_data(as_text=True)
    assert "Reset the second factor" in page
    client.submit(f"/admin/users/{clerk.id}/second-factor")
    session.refresh(clerk)
    assert clerk.awaiting == {"second_factor"}
    with app.app_context():
        assert not second_factor.enrolled(session, clerk)
    assert [n.subject for n in _notices(session, director)] == [
        f"Staff account no. {clerk.id}: second factor reset"
    ]
    own = app.test_client()
    own.submit("/login", {"username": clerk.username, "password": factories.PASSWORD})
    assert own.get("/desk/patron-requests").status_code == 404
    own.get("/account/second-factor")  # draws a new secret for the app
    with app.app_context():
        secret = second_factor.pending_secret(session, clerk)
    own.submit("/account/second-factor", {"code": factories.totp_code(secret)})
    session.refresh(clerk)
    assert clerk.awaiting == frozenset()
    assert own.get("/desk/patron-requests").status_code == 200


def test_between_password_and_second_factor_no_new_factor_can_be_added(
    app, client, session, login_as
):
    counsel = factories.user(session, "counsel")
    with app.app_context():
        second_factor.enrol_known_secret(session, counsel, factories.TOTP_SECRET)
    session.commit()
    client.submit("/login", {"username": counsel.username, "password": factories.PASSWORD})
    response = client.get("/account/second-factor")
    assert response.status_code == 302 and "/sign-in/second-factor" in response.headers["Location"]
    response = client.post("/account/second-factor/key", data={})
    assert response.status_code == 302 and "/sign-in/second-factor" in response.headers["Location"]


def test_the_server_confirms_an_account_no_director_can(app, client, session, login_as):
    director = factories.user(session, "director", is_enabled=False)
    login_as("admin")
    client.submit(f"/admin/users/{director.id}/enabled", page="/admin/users")
    session.refresh(director)
    assert director.is_enabled and director.awaiting == {"enabled"}
    result = app.test_cli_runner().invoke(args=["users", "confirm", director.username])
    assert result.exit_code == 0, result.output
    session.refresh(director)
    assert director.awaiting == frozenset()


def test_a_director_awaiting_confirmation_gets_no_directors_notice(app, client, session, login_as):
    confirmed = factories.user(session, "director")
    returning = factories.user(session, "director", is_enabled=False)
    clerk = factories.user(session, "staff")
    login_as("admin")
    client.submit(f"/admin/users/{returning.id}/enabled", page="/admin/users")
    client.submit(f"/admin/users/{clerk.id}/enabled", page="/admin/users")  # disables the clerk
    assert f"Staff account no. {clerk.id}: account disabled" in {
        n.subject for n in _notices(session, confirmed)
    }
    assert _notices(session, returning) == []
