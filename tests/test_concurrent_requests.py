"""Many people at once on one database: no request fails with 'database is locked' (SQLite) or
any other error. Every case-page view writes an audit event, so this is a load of writers."""

from __future__ import annotations

import re
import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from disclosure.db import db
from tests import factories

PEOPLE, VIEWS = 10, 12


def _signed_in(base: str, username: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "username": username, "password": factories.PASSWORD}
    opener.open(f"{base}/login", urllib.parse.urlencode(form).encode(), timeout=30)
    return opener


def test_ten_people_viewing_cases_at_once_all_get_their_pages(live_server):
    base, app = live_server
    with app.app_context():
        director = factories.user(db.session, "director")
        cases = [factories.case(db.session, "subpoena") for _ in range(3)]
        db.session.commit()
        username, case_ids = director.username, [c.id for c in cases]
    answers: list[int | str] = []
    lock = threading.Lock()

    def person(n: int) -> None:
        try:
            opener = _signed_in(base, username)
            for i in range(VIEWS):
                case_id = case_ids[(n + i) % len(case_ids)]
                status = opener.open(f"{base}/cases/{case_id}", timeout=60).status
                with lock:
                    answers.append(status)
        except Exception as failure:  # an HTTP 500 arrives here as HTTPError
            with lock:
                answers.append(repr(failure))

    threads = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    failures = [answer for answer in answers if answer != 200]
    assert not failures, failures[:3]
    assert len(answers) == PEOPLE * VIEWS
