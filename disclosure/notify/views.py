"""The notification inbox: every staff user reads their own notifications here."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from disclosure.auth.access import allow
from disclosure.db import db
from disclosure.notify import service
from disclosure.web import paging
from disclosure.web.forms import ConfirmForm
from disclosure.web.lifecycle import confirm

bp = Blueprint("notify", __name__, url_prefix="/notifications")


@bp.route("/")
@allow("staff-any")
def inbox():
    """The signed-in user's notifications, newest first (never anyone else's)."""
    notes = paging.paginate(db.session, service.inbox(db.session, current_user))
    return render_template(
        "notify/inbox.html",
        notes=notes,
        any_unread=bool(service.unread_for(db.session, current_user)),
        confirm=ConfirmForm(),
    )


@bp.route("/read", methods=["POST"])
@allow("staff-any")
def mark_all_read():
    """Mark every notification of the signed-in user read."""
    return confirm(
        lambda: service.mark_all_read(db.session, current_user),
        done=lambda count: f"{count} notification{'s' if count != 1 else ''} marked as read.",
        to=url_for("notify.inbox"),
    )
