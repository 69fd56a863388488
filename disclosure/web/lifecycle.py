"""The one request lifecycle of every view that changes something, in three phases:

1. load: what the URL names, through the area's visibility rule (`found`): what the person may
   not see answers 404, exactly like what does not exist;
2. check: the form validates (its CSRF token too);
3. act: one service call, committed once; then a flash and a redirect. When a rule refuses
   (DomainError), the transaction rolls back and the refusal is shown beside the field it names,
   with what was typed kept (`submit`), or flashed above the page a button sent back to
   (`confirm`).

A page that only shows something but keeps a trail of it (the audit event of a view, a receipt
kept the first time it is drawn) commits that through `keep`. This is the only module of the web
layer that commits or rolls back; tests/test_lifecycle.py holds the views to that."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash, redirect
from flask_wtf import FlaskForm

from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.web.forms import BaseForm, ConfirmForm

T = TypeVar("T")

# A flash message or a target URL: given as it is, or made from what the action returned.
Said = str | Callable[[Any], str] | None


def found(thing: T | None) -> T:
    """Load phase: `thing`, or 404 when the loader returned None (missing, or not this person's
    to see: the loaders do not tell the two apart, and neither does the answer)."""
    if thing is None:
        abort(404)
    return thing


def submit(
    form: FlaskForm,
    act: Callable[[], Any],
    *,
    done: Said,
    to: Said,
    page: Callable[[], Any],
    lock: Callable | None = None,
    then: Callable[[Any], None] | None = None,
    keep_refused: bool = False,
    check: Callable[[], list[DomainError]] | None = None,
):
    """A form page, GET and POST. When `form` validates: `lock(session)` if the action needs a
    write lock first, `act()` (one service call), commit once, `then(result)` (what follows the
    commit outside the database, such as a fresh sign-in cookie), flash `done`, redirect to `to`.
    `check()`, when given, names every refusal the rules would make; it is asked on a POST even
    when the form has faults of its own, so that a person sees all that is wrong in one round.
    Otherwise, or when a rule refuses (rolled back, unless `keep_refused`: a refusal the rules
    record, such as a failed sign-in counting toward a lockout), `page()` draws the form again."""
    valid = form.validate_on_submit()
    if check is not None and form.is_submitted():
        refusals = check()
        for refusal in refusals:
            _show_beside_a_clean_field(form, refusal)
        valid = valid and not refusals
    if valid:
        result, refusal = _attempt(act, lock, keep_refused)
        if refusal is None:
            return _finish(result, done, to, then)
        show_refusal(form, refusal)
    if form.is_submitted() and isinstance(form, BaseForm):
        form.ask_for_files_again()
    return page()


def confirm(
    act: Callable[[], Any],
    *,
    done: Said,
    to: Said,
    back: str | None = None,
    form: FlaskForm | None = None,
    then: Callable[[Any], None] | None = None,
    category: str = "success",
):
    """A one-button POST (`form`: the button's own form when it carries a field; else its CSRF
    token is all). When it validates, `act()` once, commit, flash `done` and redirect to `to`;
    bad input or a rule's refusal (rolled back) is flashed, and goes `back` (needed when `to` is
    made from the result)."""
    form = form or ConfirmForm()
    if not form.validate_on_submit():
        for message in _messages(form):
            flash(message, "error")
        return redirect(back or _said(to, None))
    result, refusal = _attempt(act)
    if refusal is not None:
        flash(refusal.message, "error")
        return redirect(back or _said(to, None))
    return _finish(result, done, to, then, category)


def shown(form: FlaskForm, read: Callable[[], T]) -> T | None:
    """A step that only reads but that a rule may refuse (a preview): its result, or None with
    the refusal shown beside its field."""
    try:
        return read()
    except DomainError as err:
        db.session.rollback()
        show_refusal(form, err)
        return None


def keep(result: T = None) -> T:
    """Commit the trail that showing a page left (its audit event, a report withdrawn on the
    way, a receipt kept the first time it is drawn), and pass `result` through."""
    db.session.commit()
    return result


def show_refusal(form: FlaskForm, err: DomainError) -> None:
    """Show a rule's refusal beside the field it names, or at the top of the page."""
    field = getattr(form, err.field, None) if err.field else None
    if field is not None:
        field.errors = list(field.errors) + [err.message]
    else:
        flash(err.message, "error")


def _show_beside_a_clean_field(form: FlaskForm, refusal: DomainError) -> None:
    """A rule's refusal, unless the field already says what is wrong with what was typed (a
    time the form could not read is not also "missing")."""
    field = getattr(form, refusal.field, None) if refusal.field else None
    if field is None or not field.errors:
        show_refusal(form, refusal)


def _attempt(act, lock=None, keep_refused: bool = False):
    """Act and commit once: (result, None); or, when a rule refuses, (None, the refusal)."""
    try:
        if lock is not None:
            lock(db.session)
        result = act()
        db.session.commit()
    except DomainError as err:
        if keep_refused:
            db.session.commit()
        else:
            db.session.rollback()
        return None, err
    return result, None


def _finish(result, done: Said, to: Said, then, category: str = "success"):
    if then is not None:
        then(result)
    if done is not None:
        flash(_said(done, result), category)
    return redirect(_said(to, result))


def _said(value: Said, result) -> str:
    return value(result) if callable(value) else value


def _messages(form: FlaskForm) -> list[str]:
    """Every error of `form`, in field order."""
    return [message for field in form for message in field.errors]
