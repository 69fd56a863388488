"""The home page of each role."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from disclosure.auth.access import allow, current_roles
from disclosure.db import db
from disclosure.notify import service as notify

bp = Blueprint("web", __name__)

# Home-page panels from the areas: role -> [(template, context(session, user) -> dict)], in order.
HOME_PANELS: dict[str, list[tuple[str, object]]] = {}


def register_panel(role: str, template: str, context=lambda session, user: {}) -> None:
    """An area adds a panel to a role's home page (called when its views module is imported)."""
    HOME_PANELS.setdefault(role, []).append((template, context))


@bp.route("/")
@allow("public")
def home():
    """Each role's home page; the signed-out visitor goes to sign-in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.kind == "patron":
        return redirect(url_for("patrons.home"))
    roles = current_roles()
    role = "director" if "director" in roles else current_user.role
    context, panels = {}, []
    for template, make_context in HOME_PANELS.get(role, []):
        context.update(make_context(db.session, current_user))
        panels.append(template)
    unread = notify.unread_for(db.session, current_user)
    return render_template(
        f"home/{role}.html", role=role, panels=panels, notifications=unread, **context
    )
