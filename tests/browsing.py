"""Signing in through a real browser, second factor included: the demo accounts' published
authenticator secret (README, "Demo accounts"), or a new app enrolled from the page."""

from __future__ import annotations

import time

import pyotp

from disclosure.auth.second_factor import DEMO_SECRET, STEP_SECONDS
from disclosure.demo import DEMO_PASSWORD

# The last 30-second step whose code each (server, secret, account) used: a server accepts a code
# once only, so the next sign-in of the same account there takes the code of a later step. Each
# live server has a database of its own, which has seen none of the codes used on the others.
_used: dict[tuple[str, str, str], int] = {}


def code_for(secret: str, username: str, server: str) -> str:
    """A code the app at `server` would take that this account has not used there yet (waits for
    the next step when both steps the server accepts are spent)."""
    now = int(time.time()) // STEP_SECONDS
    key = (server, secret, username)
    step = max(now, _used.get(key, now - 1) + 1)
    if step > now + 1:
        time.sleep((step - 1) * STEP_SECONDS - time.time() + 0.5)
    _used[key] = step
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def sign_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD, secret=None):
    """Password, then the second step the page asks for: a code from `secret` (default: the
    demo's), or, for an account with none yet, an app enrolled from the page."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    heading = page.locator("h1").inner_text()
    if heading == "Second step of sign-in":
        page.get_by_label("Code").fill(code_for(secret or DEMO_SECRET, username, base_url))
        page.get_by_role("button", name="Continue").click()
    elif heading == "Your second factor":
        enrolled = page.locator("#totp-secret").inner_text()
        page.get_by_label("Code").fill(code_for(enrolled, username, base_url))
        page.get_by_role("button", name="Finish").click()
        page.get_by_role("link", name="Go on").click()
