"""The home page of each role."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from disclosure.auth.access import allow, current_roles
from disclosure.db import db
from disclosure.notify import service as notify

bp = Blueprint("web", __name__)

# Other areas add their home-page panels here: role -> callable(session, user) -> dict for the template.
HOME_PANELS: dict[str, list] = {}


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
    context = {}
    for panel in HOME_PANELS.get(role, []):
        context.update(panel(db.session, current_user))
    unread = notify.unread_for(db.session, current_user)
    return render_template(f"home/{role}.html", role=role, notifications=unread, **context)
