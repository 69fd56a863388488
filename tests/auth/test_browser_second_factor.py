"""In a real browser: enrolling an authenticator app and signing in with its code; registering a
security key and signing in with it (Chromium's virtual authenticator)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from disclosure.auth.models import SecurityKey
from disclosure.db import db
from tests import browsing, factories
from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def _password(page, base_url, username):
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    assert page.locator("h1").inner_text() == "Staff sign-in"


def test_enrol_an_authenticator_app_then_sign_in_with_a_code(live_server, page, backend):
    base_url, app = live_server
    with app.app_context():
        username = factories.user(db.session, "director").username
        db.session.commit()
    _password(page, base_url, username)
    assert page.locator("h1").inner_text() == "Your second factor"
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot(page, "second-factor-enrol", backend)
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code").fill(browsing.code_for(secret, username, base_url))
    page.get_by_role("button", name="Finish").click()
    assert page.locator("h1").inner_text() == "Your recovery codes"
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Go on").click()
    assert page.locator("h1").inner_text() == "Director's desk"
    _sign_out(page)

    _password(page, base_url, username)
    assert page.locator("h1").inner_text() == "Second step of sign-in"
    page.goto(f"{base_url}/cases")
    assert page.locator("h1").inner_text() == "Second step of sign-in"
    page.get_by_label("Code").fill(browsing.code_for(secret, username, base_url))
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() != "Second step of sign-in"
    assert "/cases" in page.url


def test_register_a_security_key_then_sign_in_with_it(live_server, page, backend):
    base_url, app = live_server
    # a security key answers for a site's name, never a bare IP address
    base_url = base_url.replace("127.0.0.1", "localhost")
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    with app.app_context():
        clerk = factories.user(db.session, "staff")
        db.session.commit()
        username, clerk_id = clerk.username, clerk.id
    _password(page, base_url, username)
    assert page.locator("h1").inner_text() == "Front desk"
    page.goto(f"{base_url}/account/second-factor")
    page.get_by_label("Name of the key").fill("blue key")
    page.get_by_role("button", name="Add a security key").click()
    # the form is sent once the key has answered (a promise): wait for the page it leads to
    expect(page.locator("h1")).to_have_text("Your recovery codes")
    page.get_by_role("link", name="Go on").click()
    _sign_out(page)

    _password(page, base_url, username)
    assert page.locator("h1").inner_text() == "Second step of sign-in"
    screenshot(page, "second-factor-key", backend)
    page.get_by_role("button", name="Use my security key").click()
    expect(page.locator("h1")).to_have_text("Front desk")
    with app.app_context():
        key = db.session.scalar(select(SecurityKey).where(SecurityKey.user_id == clerk_id))
        assert key.name == "blue key" and key.last_used_at is not None
