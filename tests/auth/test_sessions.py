"""Sign-in, CSRF, cookies, and sessions that end when they should."""

from sqlalchemy import select

from disclosure.auth.models import User
from tests import factories


def test_post_without_csrf_token_is_refused(client, session):
    user = factories.user(session, "staff")
    session.commit()
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert "expired or was not sent from this site" in response.get_data(as_text=True)


def test_protected_page_signed_out_sends_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/users")


def test_wrong_password_keeps_the_username_and_says_why(client, session):
    user = factories.user(session, "staff")
    session.commit()
    response = client.submit("/login", {"username": user.username, "password": "not the password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "do not match an active account" in html
    assert f'value="{user.username}"' in html


def test_passwords_are_stored_as_argon2id(session):
    from disclosure.auth import accounts

    user = accounts.create_user(
        session,
        None,
        username="newperson",
        full_name="New Person",
        role="staff",
        password="a long enough password",
    )
    assert user.password_hash.startswith("$argon2id$")
    assert "a long enough password" not in user.password_hash


def test_signed_out_session_cookie_replayed_is_refused(app, client, login_as):
    login_as("director")
    cookie = client.get_cookie("session")
    assert client.get("/").status_code == 200
    client.submit("/logout", page="/")
    # an attacker who copied the cookie before sign-out sends it again
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    response = replay.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_disabling_a_user_ends_their_session_at_once(app, client, session, login_as):
    clerk = login_as("staff")
    assert client.get("/").status_code == 200
    admin = factories.user(session, "admin")
    admin_client = app.test_client()
    login_as("admin", admin, the_client=admin_client)
    admin_client.submit(f"/admin/users/{clerk.id}/enabled", page="/admin/users")
    assert session.scalar(select(User.is_enabled).where(User.id == clerk.id)) is False
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_disabled_account_cannot_sign_in(client, session):
    user = factories.user(session, "staff", is_enabled=False)
    session.commit()
    response = client.submit("/login", {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 200 and "do not match an active account" in response.get_data(
        as_text=True
    )


def test_session_cookie_flags(app, backend, server_for):
    from tests.conftest import make_app

    production_like = make_app(app.config["DATABASE_URL"], insecure_cookies=False)
    assert production_like.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production_like.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production_like.config["SESSION_COOKIE_SECURE"] is True


def test_next_parameter_cannot_redirect_off_site(client, session):
    user = factories.user(session, "staff")
    session.commit()
    token = client.csrf_token("/login")
    response = client.post(
        "/login?next=//evil.example/x",
        data={"csrf_token": token, "username": user.username, "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_changing_your_password_ends_your_other_sessions(app, client, session, login_as):
    user = login_as("staff")
    elsewhere = app.test_client()
    login_as("staff", user, the_client=elsewhere)
    response = client.submit(
        "/account/password",
        {
            "current": factories.PASSWORD,
            "new": "a fresh long password",
            "again": "a fresh long password",
        },
        follow_redirects=True,
    )
    assert "Your password is changed." in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 302  # the other one has ended


def test_wrong_current_password_is_refused_beside_the_field(client, login_as):
    login_as("staff")
    response = client.submit(
        "/account/password",
        {"current": "wrong", "new": "a fresh long password", "again": "a fresh long password"},
    )
    assert "That is not your current password." in response.get_data(as_text=True)


def test_repeated_failed_sign_ins_are_slowed_per_account_not_per_library(
    backend, server_for, tmp_path
):
    from disclosure import migrate
    from tests import databases
    from tests.conftest import Client, make_app

    url = databases.new_database(backend, server_for(backend), tmp_path)
    migrate.upgrade(url)
    limited = make_app(url, ratelimit=True)
    limited.test_client_class = Client
    the_client = limited.test_client()
    token = the_client.csrf_token("/login")
    codes = [
        the_client.post(
            "/login", data={"csrf_token": token, "username": "dana", "password": "wrong"}
        ).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    # a colleague at the same desk (same address) can still sign in to another account
    other = the_client.post(
        "/login", data={"csrf_token": token, "username": "sam", "password": "wrong"}
    )
    assert other.status_code == 200
    from disclosure.db import db

    db.engine_for(limited).dispose()
    databases.drop_database(url, server_for(backend))
