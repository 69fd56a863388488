"""Small helpers shared by views."""

from __future__ import annotations

from flask import flash, redirect

from disclosure.errors import DomainError
from disclosure.web import boundary


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to after sign-in, or None (never an open redirect, and never a
    control character, which would break the redirect's header)."""
    return boundary.local_path(target)


def show_domain_error(form, err: DomainError) -> None:
    """Show a rule's refusal beside the field it concerns, or at the top of the page."""
    field = getattr(form, err.field, None) if err.field else None
    if field is not None:
        field.errors = list(field.errors) + [err.message]
    else:
        flash(err.message, "error")


def confirmed_action(action, success, form=None) -> None:
    """The shape of a one-button POST: when its CSRF token (and `form`, if the button carries
    one) is good, run `action()` (one service call), commit once and flash `success` (a string,
    or a function of the action's result); on a rule's refusal, roll back and flash the message.
    The caller redirects either way."""
    from disclosure.auth.forms import ConfirmForm
    from disclosure.db import db

    if not (form or ConfirmForm()).validate_on_submit():
        return
    try:
        result = action()
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return
    flash(success(result) if callable(success) else success, "success")


def form_action(form, action, success, target):
    """The shape of a form POST: when `form` validates, run `action()` (one service call), commit
    once, flash `success` and redirect to `target` (each a string, or a function of the action's
    result). On a rule's refusal, roll back and show the message beside its field. Returns None
    then, and on a GET or bad input: the caller renders the form again, with what was typed."""
    from disclosure.db import db

    if not form.validate_on_submit():
        return None
    try:
        result = action()
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        show_domain_error(form, err)
        return None
    flash(success(result) if callable(success) else success, "success")
    return redirect(target(result) if callable(target) else target)
