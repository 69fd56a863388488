"""Disclosure: law-enforcement requests for library records, handled by the rules."""

from __future__ import annotations

from flask import Flask, render_template
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect

from disclosure import clock
from disclosure.config import PROJECT_ROOT, Settings

csrf = CSRFProtect()
login_manager = LoginManager()


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, database, sign-in, CSRF, blueprints, CLI, error pages."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    settings = Settings.from_env()
    for key, value in (config or {}).items():
        setattr(settings, key.lower(), value)
    _configure(app, settings)
    from disclosure.db import db  # not at module level: it would shadow the disclosure.db module

    db.init_app(app)
    _init_login(app)  # before CSRF: a refused person gets the same 404 on GET and POST
    csrf.init_app(app)
    _register_blueprints(app)
    _register_errors(app)
    from disclosure import cli

    cli.init_app(app)
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
        RATELIMIT_ENABLED=settings.extra.get("ratelimit", True),
        TESTING=settings.extra.get("testing", False),
    )
    clock.set_library_zone(settings.timezone)
    app.jinja_env.globals.update(
        library_name=settings.library_name, clock=clock, url_map_endpoints=app.view_functions
    )
    from disclosure.web import boundary, filters, security

    filters.init_app(app)
    security.init_app(app)
    boundary.init_app(app)  # before the blueprints: ids in their URLs are bounded


def _init_login(app: Flask) -> None:
    from disclosure.auth import access
    from disclosure.auth.service import load_user

    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    from disclosure.db import db

    login_manager.user_loader(lambda cookie_id: load_user(db.session, cookie_id))
    access.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from disclosure.auth.views import bp as auth_bp
    from disclosure.web.limits import limiter
    from disclosure.web.views import bp as web_bp

    limiter.init_app(app)
    for blueprint in (web_bp, auth_bp, *_area_blueprints()):
        app.register_blueprint(blueprint)


def _area_blueprints():
    """The blueprints of the domain areas that have views, in area order."""
    from disclosure import areas

    return [
        module.bp for module in areas.modules("views") if module.__name__ != "disclosure.auth.views"
    ]


def _register_errors(app: Flask) -> None:
    from disclosure.web import boundary

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

    @app.errorhandler(413)
    def too_large(_err):
        return render_template("errors/400.html", reason=boundary.TOO_LARGE), 413

    @app.errorhandler(429)
    def too_many(_err):
        return render_template(
            "errors/400.html", reason="Too many attempts. Wait a minute and try again."
        ), 429
