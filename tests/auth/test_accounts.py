"""The administrator manages accounts; the admin sees no case or patron data."""

from sqlalchemy import select

from disclosure.auth.models import User
from tests import factories
from tests.auth.steps import ADMINS_PASSWORD, admin_sets_password


def test_admin_creates_an_account_on_the_page(client, session, login_as):
    login_as("admin")
    response = client.submit(
        "/admin/users/new",
        {
            "username": "jdoe",
            "full_name": "Jamie Doe",
            "role": "staff",
            "email": "",
            "phone": "",
            "supervisor_id": "0",
            "password": "correct horse battery",
        },
        follow_redirects=True,
    )
    assert "Account “jdoe” created." in response.get_data(as_text=True)
    created = session.scalar(select(User).where(User.username == "jdoe"))
    assert created.role == "staff" and created.password_hash.startswith("$argon2id$")
    assert (
        created.must_change_password is True
    )  # the administrator knows it: the owner replaces it first


def test_account_form_keeps_what_was_typed_and_shows_errors(client, login_as):
    login_as("admin")
    response = client.submit(
        "/admin/users/new",
        {
            "username": "bad name!",
            "full_name": "Jamie Doe",
            "role": "staff",
            "email": "not-an-email",
            "supervisor_id": "0",
            "password": "short",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Jamie Doe"' in html
    assert "Use letters, digits, dots, dashes or underscores." in html
    assert "Enter a valid e-mail address." in html
    assert "Use at least 12 characters." in html


def test_duplicate_username_is_refused_beside_the_field(client, session, login_as):
    existing = factories.user(session, "staff")
    login_as("admin")
    response = client.submit(
        "/admin/users/new",
        {
            "username": existing.username,
            "full_name": "Someone",
            "role": "staff",
            "supervisor_id": "0",
            "password": "a long enough password",
        },
    )
    assert f"The username “{existing.username}” is taken." in response.get_data(as_text=True)


def test_users_create_command(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            "dir2",
            "--name",
            "Dee Rector",
            "--role",
            "director",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert session.scalar(select(User.role).where(User.username == "dir2")) == "director"


def test_new_password_ends_the_users_sessions(app, client, session, login_as):
    clerk = login_as("staff")
    admin_client = app.test_client()
    login_as("admin", the_client=admin_client)
    admin_client.submit(
        f"/admin/users/{clerk.id}",
        {
            "full_name": clerk.full_name,
            "role": "staff",
            "supervisor_id": "0",
            "password": "a brand new password",
        },
    )
    assert client.get("/").status_code == 302


def test_the_administrator_cannot_make_a_director(client, session, login_as):
    login_as("admin")
    response = client.submit(
        "/admin/users/new",
        {
            "username": "it-temp",
            "full_name": "Temp",
            "role": "director",
            "supervisor_id": "0",
            "password": "a long enough password",
        },
    )
    assert "account cannot be made here." in response.get_data(as_text=True)
    assert session.scalar(select(User.id).where(User.username == "it-temp")) is None


def test_the_administrator_cannot_take_over_a_directors_or_counsels_account(
    client, session, login_as
):
    admin = login_as("admin")
    for role in ("director", "counsel"):
        owner = factories.user(session, role)
        session.commit()
        before = owner.password_hash
        response = client.submit(
            f"/admin/users/{owner.id}",
            {
                "full_name": owner.full_name,
                "role": role,
                "supervisor_id": "0",
                "password": "the admin's own choice",
            },
        )
        assert "are not changed here" in response.get_data(as_text=True)
        assert session.scalar(select(User.password_hash).where(User.id == owner.id)) == before
    response = client.submit(
        f"/admin/users/{admin.id}",
        {"full_name": admin.full_name, "role": "director", "supervisor_id": "0"},
    )
    assert session.scalar(select(User.role).where(User.id == admin.id)) == "admin"


def test_the_server_command_still_makes_a_director(app, session):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--username",
            "newdir",
            "--name",
            "New Director",
            "--role",
            "director",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output


def test_a_password_the_administrator_set_must_be_replaced_before_anything_else(
    app, client, session, login_as
):
    from disclosure.notify.models import Notification

    director = factories.user(session, "director")
    clerk = factories.user(session, "staff")
    login_as("admin")
    admin_sets_password(client, clerk)
    [notice] = session.scalars(
        select(Notification).where(Notification.recipient_id == director.id)
    ).all()
    assert notice.subject == "The administrator set a new password for a staff account"
    assert (
        f"account no. {clerk.id} (Front-desk staff)" in notice.body
        and clerk.username not in notice.body
    )
    director_client = app.test_client()
    login_as("director", director, the_client=director_client)
    staff_page = director_client.get(notice.link.split("#")[0]).get_data(as_text=True)
    row = staff_page.split(f'id="account-{clerk.id}"', 1)[1].split("</tr>", 1)[0]
    assert clerk.full_name in row and "Password set by the administrator; not yet replaced" in row

    staff_client = app.test_client()
    staff_client.submit("/login", {"username": clerk.username, "password": ADMINS_PASSWORD})
    for page in ("/", "/notifications/"):
        response = staff_client.get(page)
        assert (
            response.status_code == 302 and response.headers["Location"] == "/account/password"
        ), page
    # and the desk's pages stay closed until the Director confirms the reset (R-two-person)
    assert staff_client.get("/cases/new").status_code == 404
    form = staff_client.get("/account/password").get_data(as_text=True)
    assert (
        "Choose your own password" in form
        and "The administrator set a password for your account" in form
    )

    same = staff_client.submit(
        "/account/password",
        {
            "current": ADMINS_PASSWORD,
            "new": ADMINS_PASSWORD,
            "again": ADMINS_PASSWORD,
        },
    )
    assert "not the one the administrator gave you" in same.get_data(as_text=True)
    staff_client.submit(
        "/account/password",
        {
            "current": ADMINS_PASSWORD,
            "new": "my own long passphrase",
            "again": "my own long passphrase",
        },
    )
    assert staff_client.get("/").status_code == 200
    session.refresh(clerk)
    assert clerk.must_change_password is False


def test_an_administrator_changing_their_own_password_is_not_asked_again(client, session, login_as):
    admin = login_as("admin")
    client.submit(
        f"/admin/users/{admin.id}",
        {
            "full_name": admin.full_name,
            "role": "admin",
            "supervisor_id": "0",
            "password": "my replacement passphrase",
        },
    )
    session.refresh(admin)
    assert admin.must_change_password is False
