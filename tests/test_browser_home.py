"""A real browser: each demo account signs in and sees its home page."""

import dataclasses

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.browser

HOMES = {
    "director": "Director's desk",
    "clerk": "Front desk",
    "supervisor": "Supervisor",
    "counsel": "Legal counsel",
    "admin": "Administration",
}
NEED_A_CODE = {"director", "counsel", "admin"}


def test_each_demo_role_signs_in_and_sees_its_home_page(live_server, page, backend):
    base_url, app = live_server
    # demo mode, as `make run` starts it: the sign-in pages say how to get a demo code
    app.config["SETTINGS"] = dataclasses.replace(app.config["SETTINGS"], debug=True)
    result = app.test_cli_runner().invoke(args=["demo", "--scale", "0.01"])
    assert result.exit_code == 0, result.output
    page.goto(f"{base_url}/")
    assert page.locator("h1").inner_text() == "Staff sign-in"
    screenshot(page, "login", backend)
    for username, heading in HOMES.items():
        page.goto(f"{base_url}/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("demo-password")
        page.get_by_role("button", name="Sign in").click()
        if username in NEED_A_CODE:
            # the code a newcomer gets from `disclosure demo code USERNAME`
            assert page.locator("h1").inner_text() == "Second step of sign-in"
            assert "demo code USERNAME" in page.inner_text("#demo-second-factor")
            code = app.test_cli_runner().invoke(args=["demo", "code", username])
            assert code.exit_code == 0, code.output
            page.get_by_label("Code").fill(code.output.strip())
            page.get_by_role("button", name="Continue").click()
        assert page.locator("h1").inner_text() == heading
        screenshot(page, f"home-{username}", backend)
        page.get_by_role("button", name="Sign out").click()
        assert page.locator("h1").inner_text() == "Staff sign-in"
