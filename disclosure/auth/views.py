"""Staff sign-in and sign-out, and the administrator's account pages."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from disclosure import clock
from disclosure.auth import access, accounts, confirmation, second_factor, service
from disclosure.auth.access import SECOND_FACTOR, allow
from disclosure.auth.forms import (
    ActingDirectorForm,
    ContactForm,
    DirectorAccountForm,
    LoginForm,
    PasswordChangeForm,
    SecondFactorPolicyForm,
    UserForm,
)
from disclosure.auth.models import ActingDirector, User
from disclosure.db import db
from disclosure.errors import DomainError
from disclosure.web import paging
from disclosure.web.forms import ConfirmForm, options
from disclosure.web.lifecycle import confirm, found, submit
from disclosure.web.limits import PER_ACCOUNT, PER_ADDRESS, address_and_account, limiter
from disclosure.web.util import safe_next

bp = Blueprint("auth", __name__)
# A library has tens of staff; a page of 100 keeps the staff page's #account-N anchors (named in
# the notice of a password reset) on its first page.
STAFF_PER_PAGE = 100


@bp.route("/login", methods=["GET", "POST"])
@allow("public")
@limiter.limit(PER_ACCOUNT, methods=["POST"], key_func=address_and_account("username"))
@limiter.limit(PER_ADDRESS, methods=["POST"])
def login():
    """Staff sign-in."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    return submit(
        form,
        lambda: _signed_in(form),
        done=None,
        to=safe_next(request.args.get("next")) or url_for("web.home"),
        then=_password_passed,
        keep_refused=True,  # a failure counts toward the account's lock
        page=lambda: render_template("auth/login.html", form=form),
    )


def _password_passed(user: User) -> None:
    """The first step done: the second is owed again (the access guard asks for it)."""
    access.second_factor_forgotten()
    login_user(user)


def _signed_in(form: LoginForm) -> User:
    user = service.authenticate(db.session, form.username.data, form.password.data)
    if user is None:
        raise DomainError(
            "That username and password do not match an active account.", field="password"
        )
    return user


@bp.route("/logout", methods=["POST"])
@allow("staff-any", "patron", SECOND_FACTOR)
def logout():
    """Sign out, ending every session of this account (a copied cookie stops working too)."""
    user = db.session.merge(current_user._get_current_object())
    return confirm(
        lambda: service.end_sessions(user),
        done="You are signed out.",
        category="info",
        to=url_for("auth.login") if user.kind == "staff" else url_for("patrons.login"),
        then=lambda _: logout_user(),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@allow("staff-any")
def change_password():
    """Change your own password (your other sessions end; this one continues)."""
    form = PasswordChangeForm()
    if current_user.must_change_password:
        form.current.label.text = "The password you were given"
    return submit(
        form,
        lambda: _own_password_changed(form),
        then=login_user,  # a fresh cookie with the new session version
        done="Your password is changed. Any other sessions of yours have ended.",
        to=url_for("web.home"),
        page=lambda: render_template("auth/password.html", form=form),
    )


def _own_password_changed(form: PasswordChangeForm) -> User:
    user = db.session.merge(current_user._get_current_object())
    accounts.change_own_password(db.session, user, form.current.data, form.new.data)
    return user


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.supervisor_id.choices = _supervisor_choices()
    if user is None:
        form.password.flags.required = True
    return form


def _supervisor_choices():
    supervisors = service.staff_by_role(db.session, "supervisor", "director")
    return options([(0, "— none —")] + [(u.id, u.full_name) for u in supervisors])


@bp.route("/admin/users")
@allow("admin")
def users():
    """Every staff account (administrator)."""
    return render_template(
        "auth/users.html",
        users=paging.paginate(db.session, service.every_account(), per_page=STAFF_PER_PAGE),
        confirm=ConfirmForm(),
    )


@bp.route("/staff")
@allow("director")
def staff():
    """Every staff account, for the Director: whom to name to a circle or as acting Director, and
    whose password the administrator set (the notice of a reset names the account's number)."""
    everyone = second_factor.required_for_everyone(db.session)
    form = SecondFactorPolicyForm(required_for_all="all" if everyone else "some")
    return render_template(
        "auth/staff.html",
        users=paging.paginate(db.session, service.every_account(), per_page=STAFF_PER_PAGE),
        policy_form=form,
        confirm=ConfirmForm(),
        events=confirmation.account_events(db.session),
        event_words=confirmation.ACCOUNT_EVENTS,
        awaiting_words=confirmation.words,
    )


@bp.route("/staff/<int:user_id>/confirm", methods=["POST"])
@allow("director")
def confirm_account(user_id: int):
    """A holder of the Director's powers confirms what the administrator did to an account."""
    user = found(db.session.get(User, user_id))
    return confirm(
        lambda: accounts.confirm_account(db.session, current_user, user),
        done=f"Account no. {user.id} is confirmed: it now reaches what its role reaches.",
        to=url_for("auth.staff"),
    )


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@allow("director")
def staff_account(user_id: int):
    """The Director sets an account's e-mail, phone (the Director's own and counsel's are changed
    only by their owner or here) and supervisor."""
    user = found(db.session.get(User, user_id))
    form = DirectorAccountForm(obj=user)
    form.supervisor_id.choices = _supervisor_choices()
    return submit(
        form,
        lambda: accounts.director_edits(
            db.session,
            current_user,
            user,
            email=form.email.data,
            phone=form.phone.data,
            supervisor_id=form.supervisor_id.data,
        ),
        done=f"Account no. {user.id} saved.",
        to=url_for("auth.staff"),
        page=lambda: render_template("auth/contact.html", form=form, user=user),
    )


@bp.route("/account/contact", methods=["GET", "POST"])
@allow("staff-any")
def own_contact():
    """Your own e-mail and phone."""
    return _contact_page(
        db.session.merge(current_user._get_current_object()), to=url_for("web.home")
    )


def _contact_page(user: User, to: str):
    form = ContactForm(obj=user)
    return submit(
        form,
        lambda: accounts.set_contact(
            db.session, current_user, user, form.email.data, form.phone.data
        ),
        done="E-mail and phone saved.",
        to=to,
        page=lambda: render_template("auth/contact.html", form=form, user=user),
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@allow("admin")
def new_user():
    """Create a staff account."""
    form = _user_form()
    return submit(
        form,
        lambda: accounts.create_user(db.session, current_user, **_first_password(_account(form))),
        done=f"Account “{form.username.data}” created.",
        to=url_for("auth.users"),
        page=lambda: render_template("auth/user_form.html", form=form, user=None),
    )


def _account(form: UserForm, *leave_out: str) -> dict:
    data = {k: v for k, v in form.data.items() if k not in {"csrf_token", *leave_out}}
    data["supervisor_id"] = data["supervisor_id"] or None
    return data


def _first_password(data: dict) -> dict:
    if not data["password"]:
        raise DomainError("Set a first password of at least 12 characters.", field="password")
    return data


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def edit_user(user_id: int):
    """Edit a staff account."""
    user = found(db.session.get(User, user_id))
    form = _user_form(user)
    return submit(
        form,
        lambda: accounts.update_user(db.session, current_user, user, **_account(form, "username")),
        done="Account saved.",
        to=url_for("auth.users"),
        page=lambda: render_template("auth/user_form.html", form=form, user=user),
    )


@bp.route("/admin/users/<int:user_id>/enabled", methods=["POST"])
@allow("admin")
def toggle_user(user_id: int):
    """Disable (ending its sessions at once) or re-enable an account."""
    user = found(db.session.get(User, user_id))
    return confirm(
        lambda: accounts.set_enabled(db.session, current_user, user, not user.is_enabled),
        done=lambda _: (
            f"Account “{user.username}” "
            f"{'enabled' if user.is_enabled else 'disabled; its sessions have ended'}."
        ),
        to=url_for("auth.users"),
    )


@bp.route("/admin/users/<int:user_id>/second-factor", methods=["GET", "POST"])
@allow("admin")
def reset_second_factor(user_id: int):
    """Reset someone's second factor (a lost phone or key): they enrol again, and the account
    awaits confirmation until they do or the Director confirms it."""
    user = found(db.session.get(User, user_id))
    form = ConfirmForm()
    return submit(
        form,
        lambda: accounts.reset_second_factor(db.session, current_user, user),
        done=f"The second factor of account no. {user.id} is reset; the Director is told.",
        to=url_for("auth.edit_user", user_id=user.id),
        page=lambda: render_template(
            "auth/reset_second_factor.html",
            form=form,
            user=user,
            enrolled=second_factor.enrolled(db.session, user),
        ),
    )


# ---- the acting Director -----------------------------------------------------------------------


def _acting_form() -> ActingDirectorForm:
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
    form = _acting_form()
    return submit(
        form,
        lambda: service.name_acting_director(
            db.session,
            current_user,
            db.session.get(User, form.user_id.data) if form.user_id.data else None,
            form.starts_at.data.replace(tzinfo=clock.library_zone()),
            form.ends_at.data.replace(tzinfo=clock.library_zone()),
        ),
        done=lambda named: (
            f"{named.user.full_name} will act as Director for that period, and gets the "
            "Director's notifications."
        ),
        to=url_for("auth.acting"),
        page=lambda: _acting_page(form),
    )


def _acting_page(form: ActingDirectorForm):
    return render_template(
        "auth/acting.html",
        form=form,
        appointments=service.appointments_ahead(db.session),
        may_name=service.may_appoint(current_user),
        in_force=service.acting_director_now(db.session),
        confirm=ConfirmForm(),
    )


@bp.route("/acting-director/<int:appointment_id>/revoke", methods=["POST"])
@allow("director")
def acting_revoke(appointment_id: int):
    """End an acting-Director appointment early."""
    appointment = found(db.session.get(ActingDirector, appointment_id))
    return confirm(
        lambda: service.revoke_acting_director(db.session, current_user, appointment),
        done="The appointment has ended.",
        to=url_for("auth.acting"),
    )
