"""The home page of each role."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from disclosure import areas
from disclosure.auth.access import allow, current_roles
from disclosure.db import db
from disclosure.notify import service as notify

bp = Blueprint("web", __name__)


@bp.route("/")
@allow("public")
def home():
    """Each role's home page; the signed-out visitor goes to sign-in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.kind == "patron":
        return redirect(url_for("patrons.home"))
    roles = current_roles()
    if current_user.awaiting:  # docs/rules.md R-two-person: no role's page until confirmed
        return render_template("home/awaiting.html", awaiting=current_user.awaiting)
    role = "director" if "director" in roles else current_user.role
    # Each area's panels for this role, in area order (their Area.panels, joined in create_app).
    context, panels = {}, []
    for panel in areas.current().panels.get(role, []):
        context.update(panel.context(db.session, current_user))
        panels.append(panel.template)
    unread = notify.unread_for(db.session, current_user)
    return render_template(
        f"home/{role}.html", role=role, panels=panels, notifications=unread, **context
    )
