"""The Director's gag-order controls on a case page: record the order, lift it, and name the
people in the need-to-know circle. Routes on the cases blueprint (cases/view_helpers.py)."""

from __future__ import annotations

from flask_login import current_user

from disclosure.auth.access import allow
from disclosure.auth.models import User
from disclosure.cases import gag
from disclosure.cases.forms import CircleForm, GagForm, LiftGagForm
from disclosure.cases.view_helpers import bp, case_form
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.web.forms import ConfirmForm
from disclosure.web.lifecycle import found


@bp.route("/cases/<case:case_id>/gag", methods=["POST"])
@allow("director")
def impose_gag(case_id: int):
    """Record a nondisclosure order: from now on the case exists only for its circle."""
    form = GagForm()
    return case_form(
        case_id,
        "gag_form",
        form,
        lambda case: gag.impose_gag(
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


@bp.route("/cases/<case:case_id>/gag/lift", methods=["POST"])
@allow("director")
def lift_gag(case_id: int):
    """Lift the gag: the case returns to the normal rules; the timeline says when and why."""
    form = LiftGagForm()
    return case_form(
        case_id,
        "lift_form",
        form,
        lambda case: gag.lift_gag(
            db.session, current_user, case, reason=form.reason.data, authority=form.authority.data
        ),
        "Gag order lifted. The case is back under the normal rules.",
        "#gag",
    )


@bp.route("/cases/<case:case_id>/circle", methods=["POST"])
@allow("director")
def add_to_circle(case_id: int):
    """Name someone to the need-to-know circle of a gagged case."""
    form = CircleForm()
    return case_form(
        case_id,
        "circle_form",
        form,
        lambda case: gag.add_member(db.session, current_user, case, _chosen(form)),
        "Added to the circle.",
        "#gag",
    )


def _chosen(form: CircleForm) -> User:
    user = db.session.get(User, form.user_id.data)
    if user is None:
        raise DomainError("Choose a person to add.", field="user_id")
    return user


@bp.route("/cases/<case:case_id>/circle/<int:user_id>/remove", methods=["POST"])
@allow("director")
def remove_from_circle(case_id: int, user_id: int):
    """Take someone out of the circle: their sight of the case ends at once."""
    user = found(db.session.get(User, user_id))
    return case_form(
        case_id,
        "remove_form",
        ConfirmForm(),
        lambda case: gag.remove_member(db.session, current_user, case, user),
        "Removed from the circle; they can no longer see this case.",
        "#gag",
    )
