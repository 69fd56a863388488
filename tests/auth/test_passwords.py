"""The password rules (docs/rules.md R-password): each refusal shows beside the field and says
why; nothing is stored."""

import subprocess
import sys
from html import unescape

import pytest
from sqlalchemy import select

from disclosure.auth.models import User
from disclosure.auth.password_rules import common_passwords
from tests import factories


def _new_account(client, password: str, username: str = "jdoe", name: str = "Jamie Doe"):
    return client.submit(
        "/admin/users/new",
        {
            "username": username,
            "full_name": name,
            "role": "staff",
            "supervisor_id": "0",
            "password": password,
        },
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password1234", "in a list of common and leaked passwords"),
        (" " * 12, "must not be only spaces or one character repeated"),
        ("zzzzzzzzzzzzzz", "must not be only spaces or one character repeated"),
        ("jamie doe 4 ever", "must not contain the account's username or name"),
        ("my-jdoe-account!", "must not contain the account's username or name"),
        ("qwertyuiopasdfgh", "in a list of common and leaked passwords"),
        ("library12345", "too easy to guess. Add another word or two."),
    ],
)
def test_a_weak_password_is_refused_saying_why(client, session, login_as, password, why):
    login_as("admin")
    html = _new_account(client, password)
    assert why in unescape(html)
    assert session.scalar(select(User.id).where(User.username == "jdoe")) is None


def test_a_strong_password_is_accepted(client, session, login_as):
    login_as("admin")
    assert "/admin/users" in _new_account(client, "tidal marble orchard 91")
    assert session.scalar(select(User.id).where(User.username == "jdoe")) is not None


def test_changing_your_own_password_follows_the_rules(client, session, login_as):
    clerk = login_as("staff", factories.user(session, "staff", full_name="Morgan Whitfield"))
    before = session.scalar(select(User.password_hash).where(User.id == clerk.id))
    html = client.submit(
        "/account/password",
        {"current": factories.PASSWORD, "new": "whitfield-2026!", "again": "whitfield-2026!"},
    ).get_data(as_text=True)
    assert "must not contain the account's username or name" in unescape(html)
    assert session.scalar(select(User.password_hash).where(User.id == clerk.id)) == before


def test_the_server_command_refuses_a_common_password(app, session):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--username", "dir9", "--name", "Dee Nine", "--role",
              "director", "--password", "password1234"]
    )  # fmt: skip
    assert result.exit_code != 0 and "common and leaked passwords" in result.output


def test_the_shipped_list_holds_more_than_the_length_rule_refuses():
    """The list's long entries (the short ones fall to the length rule) are all there."""
    words = common_passwords()
    assert {"password1234", "1qaz2wsx3edc", "qwertyuiopasdfgh"} <= words
    assert len(words) > 12_000 and min(map(len, words)) >= 12


def test_the_app_starts_without_loading_the_password_list_or_zxcvbn():
    """Both are loaded at the first password checked: most processes never check one."""
    code = (
        "import sys; from disclosure import create_app; "
        "from disclosure.auth.password_rules import common_passwords; "
        "print('zxcvbn' in sys.modules, common_passwords.cache_info().currsize)"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == ["False", "0"]
