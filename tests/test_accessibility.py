"""Accessibility by the standard tool: axe-core (WCAG 2.0/2.1 A and AA, and its best practices)
runs in Chromium on every page a person can reach, as each role, at 1280 px and at 390 px (a
phone), in a library with cases, holds, reports and a gagged case. Beside it, the checks axe does
not make: exactly one h1 on a page, and no two fields (or things a label or ARIA points at)
sharing an id. Focus outlines reach 3:1 against every background they are drawn on.

One browser, one tab per role: each page is loaded once and checked at both widths. The pages
are the same HTML on either database, so this walk runs on SQLite only."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from disclosure.db import db
from tests.conftest import committed_app
from tests.gag import world
from tests.gag.test_twin import _sign_in, _urls

pytestmark = [pytest.mark.committing, pytest.mark.browser]

WIDTHS = (1280, 390)
WHO = [
    "director",
    "counsel_gag",
    "clerk_other",
    "sup_other",
    "admin",
    "21000000000501",
    "anonymous",
]
CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"

# Ids that two elements must never share: a form control's (a label names it) and any id a
# label or an ARIA attribute points at. (axe 4.12 no longer checks duplicate ids itself.)
SHARED_IDS = """() => {
  const counted = {};
  const wanted = new Set();
  document.querySelectorAll('input:not([type=hidden]), select, textarea, button').forEach(
    (el) => { if (el.id) wanted.add(el.id); });
  document.querySelectorAll('label[for]').forEach((el) => wanted.add(el.htmlFor));
  document.querySelectorAll('[aria-describedby], [aria-labelledby], [aria-controls]').forEach(
    (el) => ['aria-describedby', 'aria-labelledby', 'aria-controls'].forEach((name) =>
      (el.getAttribute(name) || '').split(/\\s+/).filter(Boolean).forEach((id) => wanted.add(id))));
  document.querySelectorAll('[id]').forEach(
    (el) => { counted[el.id] = (counted[el.id] || 0) + 1; });
  return [...wanted].filter((id) => counted[id] > 1);
}"""


@pytest.fixture(scope="module")
def library(server_for):
    with committed_app("sqlite", server_for("sqlite")) as app:
        with app.app_context():
            world.build(db.session, with_gag=True)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield app, f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=10)


def _html_pages(the_client, app) -> list[str]:
    """Every page the person reaches (200, HTML), found with the signed-in test client."""
    pages = []
    for _endpoint, url in _urls([app]):
        response = the_client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(url)
    return pages


def _tab(browser, the_client, base: str):
    """A browser tab signed in as the test client is (its cookies carried over)."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    context.add_cookies(
        [
            {"name": cookie.key, "value": cookie.value, "url": base}
            for cookie in the_client._cookies.values()
        ]
    )
    return context


def _violations(axe, page) -> list[str]:
    found = axe.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in found
    ]


@pytest.mark.parametrize("who", WHO)
def test_axe_finds_nothing_on_any_page_for_any_role_at_both_widths(library, browser, who):
    from axe_playwright_python.sync_playwright import Axe

    app, base = library
    the_client = _sign_in(app, who)
    pages = _html_pages(the_client, app)
    assert len(pages) >= 3  # the crawl reached pages (no vacuous pass)
    context = _tab(browser, the_client, base)
    page = context.new_page()
    page.set_default_timeout(15000)
    axe, problems, checks = Axe(), {}, 0
    try:
        for url in pages:
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            page.goto(base + url)
            found = []
            if page.locator("h1").count() != 1:
                found.append(f"{page.locator('h1').count()} h1 elements")
            shared = page.evaluate(SHARED_IDS)
            if shared:
                found.append(f"ids shared by two elements: {shared}")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                found += [f"{width}px {v}" for v in _violations(axe, page)]
                checks += 1
            if found:
                problems[url] = found
    finally:
        context.close()
    assert not problems, problems
    assert checks == 2 * len(pages)


# ---- focus outlines: 3:1 against what they are drawn on (WCAG 2.2 2.4.13, 1.4.11) -------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _var(css: str, name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", css).group(1)


def test_focus_outlines_reach_3_to_1_on_the_page_the_cards_and_the_header():
    css = CSS.read_text()
    page_focus = _var(css, "focus")
    header_focus = _var(css, "focus-on-dark")
    assert re.search(r":focus-visible \{ outline: 3px solid var\(--focus\)", css)
    assert re.search(r"\.site-header :focus-visible \{ outline-color: var\(--focus-on-dark\)", css)
    for background in ("bg", "card", "danger-bg", "warn-bg", "info-bg", "ok-bg"):
        assert _contrast(page_focus, _var(css, background)) >= 3, background
    assert _contrast(header_focus, _var(css, "navy")) >= 3
