"""Deny by default: every route names the roles it admits with @allow(...), and one
before-request guard enforces it. A route with no @allow answers 404 to everyone.

Role names: 'public' (anyone, signed in or not), 'patron' (portal), 'staff-any' (any signed-in
staff account), and the staff roles of auth.models.Role. An acting Director holds 'director'.

Between password and second factor a staff member holds one role only, 'second-factor': the
second-factor pages and sign-out, nothing else (docs/rules.md R-second-factor)."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user

from disclosure.auth import second_factor, service
from disclosure.db import db

PUBLIC = "public"
SECOND_FACTOR = "second-factor"
KNOWN_ROLES = frozenset(
    {
        "public",
        "patron",
        "staff-any",
        "director",
        "staff",
        "supervisor",
        "counsel",
        "admin",
        SECOND_FACTOR,
    }
)
# The session key naming the staff account whose second factor was checked in this session.
PASSED = "second_factor_passed"


def allow(*roles: str):
    """Declare which roles may use a view (checked by the guard, not here, so no route can
    forget to check)."""
    unknown = set(roles) - KNOWN_ROLES
    if unknown or not roles:
        raise ValueError(f"unknown roles {unknown}")

    def mark(view):
        view.allowed_roles = frozenset(roles)
        return view

    return mark


def current_roles() -> frozenset[str]:
    """The roles of the person making this request (computed once per request)."""
    if "roles" not in g:
        # Who must use a second factor follows the account's role even while a Director's
        # confirmation is awaited (then roles_of withholds the role itself).
        held = service.held_roles(db.session, current_user)
        owed = _second_factor_owed(held)
        g.roles = frozenset({SECOND_FACTOR}) if owed else service.acting_roles(current_user, held)
    return g.roles


def _second_factor_owed(roles: frozenset[str]) -> bool:
    """A staff member who has a second factor, or must have one, and has not used it in this
    session: until then they hold no role at all."""
    if "staff-any" not in roles or session.get(PASSED) == current_user.id:
        return False
    return second_factor.asked_of(db.session, current_user, roles)


def second_factor_passed(user) -> None:
    """Note in the session that `user` passed the second step (or enrolled just now)."""
    session[PASSED] = user.id


def second_factor_forgotten() -> None:
    """At a password sign-in: the second step is owed again."""
    session.pop(PASSED, None)


def has_role(*roles: str) -> bool:
    """True when the current person acts in one of `roles` (templates use it for navigation)."""
    return bool(current_roles() & set(roles))


def _guard():
    if request.endpoint is None:
        return None  # no such URL: the router answers 404
    view = current_app.view_functions.get(request.endpoint)
    allowed = getattr(view, "allowed_roles", None)
    if allowed is None:
        abort(404)
    if allowed & current_roles():
        return _no_new_factor_before_the_old_one() or _until_own_password_chosen()
    if SECOND_FACTOR in current_roles():
        return _to_second_factor()
    if not current_user.is_authenticated:
        login = "patrons.login" if allowed == {"patron"} else "auth.login"
        if login in current_app.view_functions:
            return redirect(
                url_for(login, next=request.full_path if request.query_string else request.path)
            )
    abort(404)


# What an account with a password someone else chose may still reach: the page to choose its own.
_BEFORE_OWN_PASSWORD = frozenset({"auth.change_password", "auth.logout", "static"})


def _until_own_password_chosen():
    """Send a staff member whose password the administrator set to choose their own first."""
    if (
        getattr(current_user, "must_change_password", False)
        and request.endpoint not in _BEFORE_OWN_PASSWORD
        # the second step comes first: the password page opens only after it
        and SECOND_FACTOR not in current_roles()
    ):
        return redirect(url_for("auth.change_password"))
    return None


# Enrolling pages that open before the second step only for someone with no second factor yet.
_ENROLMENT = frozenset({"second_factor.enrol", "second_factor.register_key"})


def _no_new_factor_before_the_old_one():
    """Between password and second factor, someone who has a second factor uses it: adding
    another there would pass the second step with the password alone."""
    if (
        request.endpoint in _ENROLMENT
        and SECOND_FACTOR in current_roles()
        and second_factor.enrolled(db.session, current_user)
    ):
        return _to_second_factor()
    return None


def _to_second_factor():
    """Someone between password and second factor: to the code page, or, with no second factor
    yet, to enrol one."""
    if not second_factor.enrolled(db.session, current_user):
        return redirect(url_for("second_factor.enrol"))
    after = request.path if request.method == "GET" else None
    return redirect(url_for("second_factor.verify", next=after))


def init_app(app: Flask) -> None:
    """Install the guard; static files are public (and reachable before the second factor)."""
    app.before_request(_guard)
    app.view_functions["static"].allowed_roles = frozenset({PUBLIC, SECOND_FACTOR})
    app.jinja_env.globals["has_role"] = has_role
    app.jinja_env.globals["demo_secret"] = lambda: second_factor.DEMO_SECRET
