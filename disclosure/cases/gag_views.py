"""The Director's gag-order controls on a case page: record the order, lift it, and name the
people in the need-to-know circle. Routes on the cases blueprint."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from disclosure.auth.access import allow
from disclosure.auth.forms import ConfirmForm
from disclosure.auth.models import Role, User
from disclosure.cases import gag
from disclosure.cases.forms import CircleForm, GagForm, LiftGagForm
from disclosure.cases.views import _act, bp
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.web.forms import options


def circle_candidates(case) -> list[User]:
    """Who the Director may add: enabled staff, supervisors and counsel not already in the circle
    (never an administrator: separation of duties)."""
    taken = {u.id for u in gag.members(db.session, case)} | (
        {case.counsel_id} if case.counsel_id else set()
    )
    users = db.session.scalars(
        select(User)
        .where(
            User.is_enabled.is_(True),
            User.role.in_([Role.STAFF.value, Role.SUPERVISOR.value, Role.COUNSEL.value]),
        )
        .order_by(User.full_name)
    )
    return [u for u in users if u.id not in taken]


def gag_forms(case, **given) -> dict:
    """The forms the gag section of the case page needs, for the Director."""
    circle_form = given.get("circle_form") or CircleForm()
    circle_form.user_id.choices = options(
        [(0, "— choose —")]
        + [(u.id, f"{u.full_name} ({u.role_label})") for u in circle_candidates(case)]
    )
    return {
        "gag_form": given.get("gag_form") or GagForm(),
        "lift_form": given.get("lift_form") or LiftGagForm(),
        "circle_form": circle_form,
        "circle_members": gag.members(db.session, case) if case.gagged else [],
    }


@bp.route("/cases/<int:case_id>/gag", methods=["POST"])
@allow("director")
def impose_gag(case_id: int):
    """Record a nondisclosure order: from now on the case exists only for its circle."""
    return _act(
        case_id,
        GagForm,
        "gag_form",
        lambda case, form: gag.impose_gag(
            db.session,
            current_user,
            case,
            issued_by=form.issued_by.data,
            issued_on=form.issued_on.data,
            until=form.until.data,
        ),
        "Gag order recorded. Only the circle can see this case now.",
        "#gag",
    )


@bp.route("/cases/<int:case_id>/gag/lift", methods=["POST"])
@allow("director")
def lift_gag(case_id: int):
    """Lift the gag: the case returns to the normal rules; the timeline says when and why."""
    return _act(
        case_id,
        LiftGagForm,
        "lift_form",
        lambda case, form: gag.lift_gag(
            db.session, current_user, case, reason=form.reason.data, authority=form.authority.data
        ),
        "Gag order lifted. The case is back under the normal rules.",
        "#gag",
    )


@bp.route("/cases/<int:case_id>/circle", methods=["POST"])
@allow("director")
def add_to_circle(case_id: int):
    """Name someone to the need-to-know circle of a gagged case."""

    def add(case, form):
        user = db.session.get(User, form.user_id.data)
        if user is None:
            raise DomainError("Choose a person to add.", field="user_id")
        gag.add_member(db.session, current_user, case, user)

    return _act(case_id, CircleForm, "circle_form", add, "Added to the circle.", "#gag")


@bp.route("/cases/<int:case_id>/circle/<int:user_id>/remove", methods=["POST"])
@allow("director")
def remove_from_circle(case_id: int, user_id: int):
    """Take someone out of the circle: their sight of the case ends at once."""
    user = db.session.get(User, user_id) or abort(404)
    return _act(
        case_id,
        ConfirmForm,
        "remove_form",
        lambda case, form: gag.remove_member(db.session, current_user, case, user),
        "Removed from the circle; they can no longer see this case.",
        "#gag",
    )
