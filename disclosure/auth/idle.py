"""Sessions end on their own: after a spell without activity (staff 15 minutes, patrons 10, both
configurable) and, active or not, 12 hours after sign-in. Library computers are shared and
public: a session left open at a desk or in a lab must not outlast the person who opened it.

The times live in the signed session cookie, checked before every request; a copied cookie
carries the moment it was copied, so it expires like the original would have."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user, user_logged_in

from disclosure import clock
from disclosure.auth.access import allow

SEEN, SIGNED_IN = "seen_at", "signed_in_at"
KEEP_ALIVE = "session_keep.keep"
bp = Blueprint("session_keep", __name__)


def idle_limit(kind: str) -> timedelta:
    """How long a session of this kind ('staff' or 'patron') may sit unused."""
    settings = current_app.config["SETTINGS"]
    minutes = settings.patron_idle_minutes if kind == "patron" else settings.staff_idle_minutes
    return timedelta(minutes=minutes)


def _longest() -> timedelta:
    return timedelta(hours=current_app.config["SETTINGS"].session_max_hours)


def _started(_app, user, **_extra) -> None:
    """At sign-in: start the clocks, and a new CSRF token (one seen before sign-in, on a shared
    computer, must not serve the signed-in person's forms)."""
    now = clock.now().timestamp()
    session[SEEN] = session[SIGNED_IN] = now
    session.pop("csrf_token", None)


def passive(view):
    """Mark a view that a page calls by itself (a progress poll): it keeps nobody signed in."""
    view.leaves_session_idle = True
    return view


def _check():
    """Before every request: end a session that sat unused too long or is too old; otherwise
    note this request as activity."""
    if not current_user.is_authenticated or request.endpoint == "static":
        return None
    now = clock.now().timestamp()
    seen, started = session.get(SEEN), session.get(SIGNED_IN)
    idle = idle_limit(current_user.kind)
    if seen is not None and started is not None:
        if now - seen <= idle.total_seconds() and now - started <= _longest().total_seconds():
            view = current_app.view_functions.get(request.endpoint)
            if not getattr(view, "leaves_session_idle", False):
                session[SEEN] = now
            return None
        message = _ended_message(idle, now - seen > idle.total_seconds())
    else:
        message = "Please sign in again."
    login = "patrons.login" if current_user.kind == "patron" else "auth.login"
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for(login))


def _ended_message(idle: timedelta, was_idle: bool) -> str:
    if was_idle:
        minutes = round(idle.total_seconds() / 60)
        return (
            f"You were signed out after {minutes} minutes without activity, to keep records "
            "private on a shared computer. Sign in again to go on."
        )
    hours = current_app.config["SETTINGS"].session_max_hours
    return f"You were signed out: a session lasts at most {hours} hours. Sign in again to go on."


@bp.route("/session/keep", methods=["POST"])
@allow("staff-any", "patron")
def keep():
    """'Stay signed in' on the page's warning: the request itself counts as activity."""
    return "", 204


def seconds_left() -> int | None:
    """For the page's warning: how long this session may sit unused (None when signed out)."""
    if not current_user.is_authenticated:
        return None
    return int(idle_limit(current_user.kind).total_seconds())


def init_app(app: Flask) -> None:
    """Check sessions before the access guard runs, and start their clocks at sign-in (the
    'stay signed in' blueprint comes with the auth area)."""
    app.before_request(_check)
    user_logged_in.connect(_started, app)
    app.jinja_env.globals["session_idle_seconds"] = seconds_left
