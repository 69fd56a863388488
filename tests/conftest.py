"""Test fixtures: one app per backend (SQLite and PostgreSQL), schema once through Alembic,
a transaction per test rolled back at its end, factories, and sign-in helpers."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.orm import Session

_TMP = Path(tempfile.mkdtemp(prefix="disclosure-tests-"))
os.environ.setdefault("DISCLOSURE_SECRET_KEY", "test-secret-key-not-for-production")
os.environ["DISCLOSURE_INSTANCE_PATH"] = str(_TMP / "instance")

from disclosure import (  # noqa: E402
    clock,
    create_app,
    migrate,  # noqa: E402
)
from disclosure.auth import second_factor  # noqa: E402
from disclosure.auth.models import TotpSecret  # noqa: E402
from disclosure.db import db  # noqa: E402
from tests import databases  # noqa: E402
from tests.pgcluster import Cluster, server_bin  # noqa: E402

ARTIFACTS = Path(__file__).parent / "artifacts"
BACKENDS = ["sqlite", "postgresql"]


# ---- the PostgreSQL server for this run -------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server URL: DISCLOSURE_TEST_DATABASE_URL, else a throwaway cluster, else skip
    (a failure under CI=true: CI must prove the PostgreSQL path)."""
    given = os.environ.get("DISCLOSURE_TEST_DATABASE_URL")
    if given:
        yield given
        return
    bindir = server_bin()
    if bindir is None:
        reason = (
            "no PostgreSQL server binaries (install Debian's postgresql) and "
            "DISCLOSURE_TEST_DATABASE_URL unset"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    cluster = Cluster(bindir)
    cluster.start()
    try:
        yield cluster.url()
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def server_for(request):
    """server_for(backend) -> the server URL for that backend (None for SQLite)."""

    def find(backend: str):
        return request.getfixturevalue("postgres_server") if backend == "postgresql" else None

    return find


def make_app(url: str, settings: dict | None = None, **extra):
    """An app on `url` configured for tests (`settings` overrides Settings fields, `extra` goes
    to Settings.extra)."""
    settings_extra = {"testing": True, "ratelimit": False, "insecure_cookies": True, **extra}
    return create_app(
        {
            **(settings or {}),
            "database_url": url,
            "upload_folder": _TMP / "uploads",
            "smtp_host": None,
            "extra": settings_extra,
        }
    )


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """The database backend of this test: its id shows as [sqlite] or [postgresql]."""
    return request.param


@pytest.fixture(scope="session")
def app(backend, server_for):
    """One app per backend for the whole run, its database migrated to head once."""
    server = server_for(backend)
    url = databases.new_database(backend, server, _TMP)
    migrate.upgrade(url)
    application = make_app(url)
    yield application
    db.engine_for(application).dispose()
    databases.drop_database(url, server)


@contextlib.contextmanager
def committed_app(backend: str, server: str | None, **extra):
    """An app on a new, migrated database of its own, dropped afterwards."""
    url = databases.new_database(backend, server, _TMP)
    migrate.upgrade(url)
    application = make_app(url, **extra)
    application.test_client_class = Client
    try:
        yield application
    finally:
        db.engine_for(application).dispose()
        databases.drop_database(url, server)


@pytest.fixture
def fresh_app(backend, server_for):
    """An app on a database of its own, committing for real (purge batches, races, live server)."""
    with committed_app(backend, server_for(backend)) as application:
        yield application


@pytest.fixture
def session(app):
    """A session for the test, on one connection inside an outer transaction that is rolled
    back after the test. Requests and CLI commands during the test get their own sessions on
    the same connection (so they see what the test wrote), in savepoints.

    No app context stays pushed: a request must push its own, as in production, or Flask's `g`
    and Flask-Login's cached user would leak from one request to the next."""
    engine = db.engine_for(app)
    connection = engine.connect()
    outer = connection.begin()
    app.extensions["disclosure.pinned_connection"] = connection
    test_session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield test_session
    finally:
        test_session.close()
        app.extensions.pop("disclosure.pinned_connection", None)
        outer.rollback()
        connection.close()


@pytest.fixture
def app_context(app, session):
    """An app context for tests that call code needing one (templates, settings)."""
    with app.app_context():
        yield


@pytest.fixture(autouse=True)
def _unfreeze_clock():
    yield
    clock.freeze(None)


# ---- clients ---------------------------------------------------------------------------------

_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
_VALUE = re.compile(r'value="([^"]+)"')


class Client(FlaskClient):
    """The test client, with a way to send a form the way a browser does (CSRF token included)."""

    def csrf_token(self, page: str) -> str:
        html = self.get(page, follow_redirects=True).get_data(as_text=True)
        tag = _CSRF.search(html)
        assert tag, f"no CSRF token on {page}"
        return _VALUE.search(tag.group(0)).group(1)

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """POST `data` to `url` with the CSRF token of `page` (default: the url itself)."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(page or url))
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def client(app, session):
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def login_as(app, session, client):
    """login_as('director') signs the test client in as a new user of that role; returns the
    user."""
    from tests import factories

    def sign_in(role: str, user=None, *, the_client: Client | None = None):
        user = user or factories.user(session, role)
        session.commit()
        target = the_client or client
        response = target.submit(
            "/login", {"username": user.username, "password": factories.PASSWORD}
        )
        assert response.status_code == 302, f"sign-in as {role} failed"
        second_step(user, target)
        return user

    def second_step(user, target: Client) -> None:
        """The second factor, when the account owes one: enrolled with the tests' secret."""
        owed = target.get("/sign-in/second-factor")
        if owed.status_code == 404:
            return  # no second factor owed
        with app.app_context():
            if not second_factor.enrolled(session, user):
                second_factor.enrol_known_secret(session, user, factories.TOTP_SECRET)
            # Each sign-in of a test is a fresh one; the replay rule has tests of its own
            # (tests/auth/test_second_factor.py).
            session.execute(
                update(TotpSecret).where(TotpSecret.user_id == user.id).values(last_step=None)
            )
            session.commit()
        response = target.submit("/sign-in/second-factor", {"code": factories.totp_code()})
        assert response.status_code == 302, "second step of sign-in failed"

    sign_in.second_step = second_step
    return sign_in


# ---- a real SMTP server ---------------------------------------------------------------------


@pytest.fixture
def smtp_server():
    """A real SMTP server on a loopback port that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


# ---- a live server and a real browser ---------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture
def live_server(fresh_app):
    """The app served over HTTP on a free loopback port, on a committed database of its own.
    Returns (base_url, app)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, fresh_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", fresh_app
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires the browser tests: {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (make test installs it when it can)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    the_page = context.new_page()
    the_page.set_default_timeout(15000)
    yield the_page
    context.close()


def screenshot(page, name: str, backend: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/ (ignored by git) to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-{backend}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
