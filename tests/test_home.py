"""Each role has a home page of its own."""

import pytest

HEADINGS = {
    "director": "Director's desk",
    "staff": "Front desk",
    "supervisor": "Supervisor",
    "counsel": "Legal counsel",
    "admin": "Administration",
}


@pytest.mark.parametrize("role", sorted(HEADINGS))
def test_each_role_sees_its_home_page(role, client, login_as):
    login_as(role)
    html = client.get("/").get_data(as_text=True)
    assert f"<h1>{HEADINGS[role]}</h1>" in html
    assert 'href="#main"' in html  # skip link for keyboard users


def test_admin_home_shows_no_case_or_patron_links(client, login_as):
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert "/cases" not in html and "/patrons" not in html
