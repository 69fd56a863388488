"""Staff sign-in and sign-out, and the administrator's account pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from disclosure.auth import service
from disclosure.auth.access import allow
from disclosure.auth.forms import ConfirmForm, LoginForm, PasswordChangeForm, UserForm
from disclosure.auth.models import User
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.web.forms import options
from disclosure.web.limits import PER_ACCOUNT, PER_ADDRESS, address_and_account, limiter
from disclosure.web.util import confirmed_action, safe_next, show_domain_error

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@allow("public")
@limiter.limit(PER_ACCOUNT, methods=["POST"], key_func=address_and_account("username"))
@limiter.limit(PER_ADDRESS, methods=["POST"])
def login():
    """Staff sign-in."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(db.session, form.username.data, form.password.data)
        except DomainError as err:
            user = None
            show_domain_error(form, err)
        db.session.commit()  # a failure counts toward the account's lock
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("web.home"))
        if not form.password.errors:
            form.password.errors.append(
                "That username and password do not match an active account."
            )
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow("staff-any", "patron")
def logout():
    """Sign out, ending every session of this account (a copied cookie stops working too)."""
    user = db.session.merge(current_user._get_current_object())
    service.end_sessions(user)
    db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login") if user.kind == "staff" else url_for("patrons.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow("staff-any")
def change_password():
    """Change your own password (your other sessions end; this one continues)."""
    form = PasswordChangeForm()
    if current_user.must_change_password:
        form.current.label.text = "The password you were given"
    if form.validate_on_submit():
        user = db.session.merge(current_user._get_current_object())
        try:
            service.change_own_password(db.session, user, form.current.data, form.new.data)
        except DomainError as err:
            db.session.rollback()
            show_domain_error(form, err)
        else:
            db.session.commit()
            login_user(user)  # a fresh cookie with the new session version
            flash("Your password is changed. Any other sessions of yours have ended.", "success")
            return redirect(url_for("web.home"))
    return render_template("auth/password.html", form=form)


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    supervisors = service.staff_by_role(db.session, "supervisor", "director")
    form.supervisor_id.choices = options(
        [(0, "— none —")] + [(u.id, u.full_name) for u in supervisors]
    )
    if user is None:
        form.password.flags.required = True
    return form


@bp.route("/admin/users")
@allow("admin")
def users():
    """Every staff account (administrator)."""
    return render_template(
        "auth/users.html", users=service.every_account(db.session), confirm=ConfirmForm()
    )


@bp.route("/staff")
@allow("director")
def staff():
    """Every staff account, for the Director: whom to name to a circle or as acting Director, and
    whose password the administrator set (the notice of a reset names the account's number)."""
    return render_template("auth/staff.html", users=service.every_account(db.session))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@allow("admin")
def new_user():
    """Create a staff account."""
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append("Set a first password of at least 12 characters.")
        else:
            try:
                data = {k: v for k, v in form.data.items() if k not in {"csrf_token"}}
                data["supervisor_id"] = data["supervisor_id"] or None
                service.create_user(db.session, current_user, **data)
                db.session.commit()
                flash(f"Account “{data['username']}” created.", "success")
                return redirect(url_for("auth.users"))
            except DomainError as err:
                db.session.rollback()
                show_domain_error(form, err)
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def edit_user(user_id: int):
    """Edit a staff account."""
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            data = {k: v for k, v in form.data.items() if k not in {"csrf_token", "username"}}
            data["supervisor_id"] = data["supervisor_id"] or None
            service.update_user(db.session, current_user, user, **data)
            db.session.commit()
            flash("Account saved.", "success")
            return redirect(url_for("auth.users"))
        except DomainError as err:
            db.session.rollback()
            show_domain_error(form, err)
    return render_template("auth/user_form.html", form=form, user=user)


@bp.route("/admin/users/<int:user_id>/enabled", methods=["POST"])
@allow("admin")
def toggle_user(user_id: int):
    """Disable (ending its sessions at once) or re-enable an account."""
    user = db.session.get(User, user_id) or abort(404)
    confirmed_action(
        lambda: service.set_enabled(db.session, current_user, user, not user.is_enabled),
        lambda _: (
            f"Account “{user.username}” "
            f"{'enabled' if user.is_enabled else 'disabled; its sessions have ended'}."
        ),
    )
    return redirect(url_for("auth.users"))


# ---- the acting Director (built with the cases area, issue 3) --------------------------------


def _acting_form():
    from disclosure.auth.forms import ActingDirectorForm

    form = ActingDirectorForm()
    candidates = service.staff_by_role(db.session, "supervisor", "staff")
    form.user_id.choices = options(
        [(0, "— choose —")] + [(u.id, f"{u.full_name} ({u.role_label})") for u in candidates]
    )
    return form


@bp.route("/acting-director", methods=["GET", "POST"])
@allow("director")
def acting():
    """The Director names an acting Director for a period; the appointments in force and to come."""
    from disclosure import clock
    from disclosure.auth.models import ActingDirector

    form = _acting_form()
    may_name = current_user.role == "director"  # an acting Director does not appoint others
    if form.validate_on_submit():
        try:
            if not may_name:
                raise DomainError("Only the Director may name an acting Director.")
            zone = clock.library_zone()
            user = db.session.get(User, form.user_id.data) if form.user_id.data else None
            if user is None:
                raise DomainError("Choose who will act as Director.", field="user_id")
            service.name_acting_director(
                db.session,
                current_user,
                user,
                form.starts_at.data.replace(tzinfo=zone),
                form.ends_at.data.replace(tzinfo=zone),
            )
            db.session.commit()
            flash(
                f"{user.full_name} will act as Director for that period, and gets the Director's "
                "notifications.",
                "success",
            )
            return redirect(url_for("auth.acting"))
        except DomainError as err:
            db.session.rollback()
            show_domain_error(form, err)
    appointments = db.session.scalars(
        select(ActingDirector)
        .where(ActingDirector.ends_at > clock.now(), ActingDirector.revoked_at.is_(None))
        .order_by(ActingDirector.starts_at)
    ).all()
    return render_template(
        "auth/acting.html",
        form=form,
        appointments=appointments,
        may_name=may_name,
        in_force=service.acting_director_now(db.session),
        confirm=ConfirmForm(),
    )


@bp.route("/acting-director/<int:appointment_id>/revoke", methods=["POST"])
@allow("director")
def acting_revoke(appointment_id: int):
    """End an acting-Director appointment early."""
    from disclosure.auth.models import ActingDirector

    appointment = db.session.get(ActingDirector, appointment_id) or abort(404)
    if ConfirmForm().validate_on_submit() and current_user.role == "director":
        service.revoke_acting_director(db.session, current_user, appointment)
        db.session.commit()
        flash("The appointment has ended.", "success")
    return redirect(url_for("auth.acting"))
