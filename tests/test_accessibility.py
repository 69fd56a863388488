"""Accessibility (WCAG 2.1 AA basics) on every page a person can reach: the page has a language,
one h1, headings that never skip a level, a label for every field, alt text on images.

Walks every GET route, with real ids, as each role in a library with cases, holds and reports."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from disclosure.db import db
from tests.conftest import committed_app
from tests.gag import world
from tests.gag.test_twin import _sign_in, _urls

pytestmark = pytest.mark.committing

FIELDS = {"input", "select", "textarea"}
UNLABELLED_OK = {"hidden", "submit", "button", "reset", "image"}


class PageCheck(HTMLParser):
    """Collects what the checks need from one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.headings: list[int] = []
        self.label_for: set[str] = set()
        self.fields: list[tuple[str, dict]] = []
        self.images_without_alt = 0
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in FIELDS:
            if (attrs.get("type") or "text") not in UNLABELLED_OK:
                self.fields.append((tag, {**attrs, "_wrapped": self._label_depth > 0}))
        elif tag == "img" and "alt" not in attrs:
            self.images_without_alt += 1

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1

    def problems(self) -> list[str]:
        found = []
        if not self.lang:
            found.append("no lang on <html>")
        if self.headings.count(1) != 1:
            found.append(f"{self.headings.count(1)} h1 elements")
        for before, after in zip(self.headings, self.headings[1:], strict=False):
            if after > before + 1:
                found.append(f"heading skips from h{before} to h{after}")
        for tag, attrs in self.fields:
            labelled = (
                attrs["_wrapped"]
                or attrs.get("id") in self.label_for
                or attrs.get("aria-label")
                or attrs.get("aria-labelledby")
            )
            if not labelled:
                found.append(f"<{tag} name={attrs.get('name')!r}> has no label")
        if self.images_without_alt:
            found.append(f"{self.images_without_alt} image(s) without alt")
        return found


@pytest.fixture(scope="module")
def library(backend, server_for):
    with committed_app(backend, server_for(backend)) as app:
        with app.app_context():
            world.build(db.session, with_gag=True)
        yield app


@pytest.mark.parametrize(
    "who",
    ["director", "counsel_gag", "clerk_other", "sup_other", "admin", "21000000000501", "anonymous"],
)
def test_every_page_has_a_language_one_h1_ordered_headings_and_labelled_fields(library, who):
    the_client = _sign_in(library, who)
    problems, pages = {}, 0
    for _endpoint, url in _urls([library]):
        response = the_client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages += 1
        check = PageCheck()
        check.feed(response.get_data(as_text=True))
        if check.problems():
            problems[url] = check.problems()
    assert pages >= 3
    assert not problems, problems
