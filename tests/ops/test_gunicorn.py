"""Production serving: gunicorn with two workers on PostgreSQL, behind a (simulated) proxy."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from disclosure import migrate
from disclosure.config import PROJECT_ROOT
from tests import databases, factories
from tests.conftest import _TMP

GUNICORN = Path(sys.executable).with_name("gunicorn")
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser behind an HTTPS proxy: cookies kept by hand (they are Secure,
    so a cookie jar would not send them over the loopback's plain HTTP)."""

    def __init__(self, base: str) -> None:
        self.base, self.cookies = base, SimpleCookie()
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, path: str, form: dict | None = None):
        headers = dict(PROXY)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            # Over HTTPS, Flask-WTF checks that a form comes from this site, as a browser says.
            headers["Referer"] = "https://" + self.base.split("://", 1)[1] + path
        try:
            response = self.opener.open(
                urllib.request.Request(self.base + path, data=data, headers=headers), timeout=20
            )
        except urllib.error.HTTPError as answer:  # 3xx and 4xx arrive here without redirects
            response = answer
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response.status, response.headers, response.read().decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(server_for, tmp_path):
    """gunicorn -w 2 on a new PostgreSQL database with a Director; yields (base URL, user,
    master pid)."""
    server = server_for("postgresql")
    url = databases.new_database("postgresql", server, _TMP)
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        director = factories.user(session, "director")
        session.commit()
        username, full_name = director.username, director.full_name
    engine.dispose()
    port = _free_port()
    environment = {
        **os.environ,
        "DISCLOSURE_DATABASE_URL": url,
        "DISCLOSURE_INSTANCE_PATH": str(tmp_path),
        "DISCLOSURE_PROXY_HOPS": "1",
        "DISCLOSURE_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    process = subprocess.Popen(
        [str(GUNICORN), "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}", (username, full_name), process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        databases.drop_database(url, server)


def _wait_for(port: int, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening within 60 s")


def _workers(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def test_gunicorn_with_two_workers_on_postgresql_signs_a_director_in(gunicorn):
    base, (username, full_name), master = gunicorn
    browser = Browser(base)
    status, _headers, page = browser.request("/login")
    assert status == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    status, headers, _ = browser.request(
        "/login", {"csrf_token": token, "username": username, "password": factories.PASSWORD}
    )
    assert status == 302, "the sign-in was refused"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    # A Director's second factor: enrol an authenticator app from the page, then type its code
    status, _headers, enrol = browser.request("/account/second-factor")
    assert status == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', enrol).group(1)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', enrol).group(1)
    status, _headers, _ = browser.request(
        "/account/second-factor", {"csrf_token": token, "code": pyotp.TOTP(secret).now()}
    )
    assert status == 302, "the authenticator app was not accepted"
    # Several pages in a row: whichever worker answers, the signed-in session holds.
    for _ in range(6):
        status, _headers, home = browser.request("/")
        assert status == 200
        assert full_name in home
    assert len(_workers(master)) == 2
