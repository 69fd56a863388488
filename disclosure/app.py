"""The wiring: create_app builds the app from every area.

This module sits at the top of the layers (pyproject.toml, [tool.importlinter]): it may import
every area, and no area imports it. disclosure/__init__.py loads it when an app is made."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, render_template
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from disclosure import areas, cli, clock, i18n, jobs, vault
from disclosure import db as database
from disclosure.auth import access, idle
from disclosure.auth import area as auth_area
from disclosure.auth.service import load_user
from disclosure.breaches import area as breaches_area
from disclosure.cases import area as cases_area
from disclosure.config import PROJECT_ROOT, Settings
from disclosure.documents import area as documents_area
from disclosure.holds import area as holds_area
from disclosure.notify import area as notify_area
from disclosure.ops import area as ops_area
from disclosure.patrons import area as patrons_area
from disclosure.retention import area as retention_area
from disclosure.trail import area as trail_area
from disclosure.web import area as web_area
from disclosure.web import boundary, filters, routing, security
from disclosure.web.limits import limiter

csrf = CSRFProtect()
login_manager = LoginManager()

# The areas, in the order of their blueprints and home panels; each one's area.py says what it
# adds (pages, commands, jobs, panels, timeline words, answers to lower areas' hooks).
AREAS = (
    web_area.AREA,
    auth_area.AREA,
    notify_area.AREA,
    cases_area.AREA,
    holds_area.AREA,
    retention_area.AREA,
    patrons_area.AREA,
    breaches_area.AREA,
    documents_area.AREA,
    ops_area.AREA,
    trail_area.AREA,
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, database, sign-in, CSRF, blueprints, CLI, error pages."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.url_rule_class = routing.LazyBuilderRule
    settings = Settings.from_env()
    for key, value in (config or {}).items():
        setattr(settings, key.lower(), value)
    _configure(app, settings)
    _private_folders(settings)
    if settings.proxy_hops:
        # Behind a reverse proxy the client's address and scheme arrive in X-Forwarded-*;
        # trusting exactly as many hops as there are proxies keeps a visitor from forging them
        # (the sign-in limits count attempts per address).
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    database.db.init_app(app)
    ring = vault.load_keyring(
        settings.instance_path,
        settings.data_key,
        settings.old_data_keys,
        sealing=not settings.extra.get("plaintext_at_rest", False),  # benchmarks only
    )
    vault.install(app, ring, database.db.engine_for(app))
    _init_login(app)  # before CSRF: a refused person gets the same 404 on GET and POST
    csrf.init_app(app)
    limiter.init_app(app)
    areas.connect(app, AREAS)
    _register_errors(app)
    cli.init_app(app)
    jobs.init_cli(app)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        SETTINGS=settings,
        DATABASE_URL=settings.database_url,
        SECRET_KEY=settings.secret_key,
        DEBUG=settings.debug,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.debug
        and not settings.extra.get("insecure_cookies", False),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a clerk may keep the intake form open a long time
        RATE_LIMITS=settings.extra.get("ratelimit", True),
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        TESTING=settings.extra.get("testing", False),
    )
    # The library's own facts belong to its app: clock.library_zone() reads this one's zone.
    app.config.update(LIBRARY_NAME=settings.library_name, LIBRARY_ZONE=ZoneInfo(settings.timezone))
    app.jinja_env.globals.update(
        library_name=settings.library_name,
        library_address=settings.library_address,
        library_phone=settings.library_phone,
        clock=clock,
        url_map_endpoints=app.view_functions,
    )
    i18n.init_app(app, settings.translations_folder)
    filters.init_app(app)
    security.init_app(app)
    boundary.init_app(app)  # before the blueprints: ids in their URLs are bounded


def _private_folders(settings: Settings) -> None:
    """The instance and upload folders hold the database, keys and scans: the app's alone
    (docs/rules.md R-files-private)."""
    for folder in (settings.instance_path, settings.upload_folder):
        folder = Path(folder)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.user_loader(lambda cookie_id: load_user(database.db.session, cookie_id))
    idle.init_app(app)  # before the access guard: an ended session has no roles left
    access.init_app(app)


def _register_errors(app: Flask) -> None:
    # One body for "missing" and "not yours": a 404 must not tell the two apart.
    @app.errorhandler(404)
    def not_found(_err):
        return render_template("errors/404.html"), 404

    @app.errorhandler(CSRFError)
    def csrf_failed(_err):
        return render_template(
            "errors/400.html",
            reason="The form had expired or was not sent from this site. Go back, reload the page "
            "and try again.",
        ), 400

    @app.errorhandler(405)
    def wrong_method(_err):
        # e.g. typing /logout into the address bar: signing out is a button, never a link
        return render_template("errors/405.html"), 405

    @app.errorhandler(500)
    def server_error(_err):
        # a page of its own that asks nothing of the database or the session: they may be what
        # failed
        return render_template("errors/500.html"), 500

    @app.errorhandler(413)
    def too_large(_err):
        return render_template("errors/413.html", reason=boundary.TOO_LARGE), 413

    @app.errorhandler(429)
    def too_many(_err):
        return render_template(
            "errors/400.html", reason="Too many attempts. Wait a minute and try again."
        ), 429
