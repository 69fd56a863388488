"""Many people at once on one database: no request fails with 'database is locked' (SQLite) or
any other error. Every case-page view writes an audit event, so this is a load of writers."""

from __future__ import annotations

import re
import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from disclosure.auth import second_factor
from disclosure.db import db
from tests import factories

PEOPLE, VIEWS = 10, 12


def _post(opener, url: str, form: dict) -> str:
    page = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, **form}).encode()
    return opener.open(url, data, timeout=30).read().decode()


def _signed_in(base: str, username: str):
    """A Director signed in: password, then the authenticator's code."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    _post(opener, f"{base}/login", {"username": username, "password": factories.PASSWORD})
    _post(opener, f"{base}/sign-in/second-factor", {"code": factories.totp_code()})
    return opener


def test_ten_people_viewing_cases_at_once_all_get_their_pages(live_server):
    base, app = live_server
    with app.app_context():
        # one Director each: an authenticator's code is accepted once per account
        directors = [factories.user(db.session, "director") for _ in range(PEOPLE)]
        for director in directors:
            second_factor.enrol_known_secret(db.session, director, factories.TOTP_SECRET)
        cases = [factories.case(db.session, "subpoena") for _ in range(3)]
        db.session.commit()
        usernames = [d.username for d in directors]
        case_ids = {c.public_id: c.reference for c in cases}
    answers: list[int | str] = []
    lock = threading.Lock()

    def person(n: int) -> None:
        try:
            opener = _signed_in(base, usernames[n])
            for i in range(VIEWS):
                case_id = list(case_ids)[(n + i) % len(case_ids)]
                page = opener.open(f"{base}/cases/{case_id}", timeout=60)
                # the case page itself, not a sign-in page a redirect led to
                shown = f"Case {case_ids[case_id]}" in page.read().decode()
                with lock:
                    answers.append(page.status if shown else "not the case page")
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
