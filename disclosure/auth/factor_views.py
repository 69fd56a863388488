"""The second factor's pages: the second step of sign-in (a code or a security key), enrolling an
authenticator app or a key, the recovery codes shown once, and the Director's choice of who
needs one."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from disclosure.auth import access, second_factor, security_keys
from disclosure.auth.access import SECOND_FACTOR, allow
from disclosure.auth.forms import SecondFactorCodeForm, SecondFactorPolicyForm, SecurityKeyForm
from disclosure.db import db
from disclosure.web.lifecycle import confirm, keep, submit
from disclosure.web.util import safe_next

bp = Blueprint("second_factor", __name__)

# Recovery codes wait here between their making and the one page that shows them.
FRESH_CODES = "fresh_recovery_codes"
# The challenge a page's security-key ceremony was drawn with; its answer must sign it.
CHALLENGE = "webauthn_challenge"


def _site() -> tuple[str, str]:
    """The site a security key answers for: its host name, and the page's origin."""
    origin = request.host_url.rstrip("/")
    return urlsplit(origin).hostname or "", origin


def _ceremony(make_options) -> str:
    """Draw a key ceremony's options for the page, keeping its challenge for the answer."""
    options, challenge = make_options(_site()[0])
    session[CHALLENGE] = challenge
    return options


def _answered_challenge() -> str:
    return session.pop(CHALLENGE, "")


def _me():
    return db.session.merge(current_user._get_current_object())


@bp.route("/sign-in/second-factor", methods=["GET", "POST"])
@allow(SECOND_FACTOR)
def verify():
    """The second step of sign-in: a code from the app, or a recovery code."""
    user = _me()
    if not second_factor.enrolled(db.session, user):
        return redirect(url_for("second_factor.enrol"))
    form = SecondFactorCodeForm()
    return submit(
        form,
        lambda: second_factor.check_code(db.session, user, form.code.data),
        then=lambda _: access.second_factor_passed(user),
        keep_refused=True,  # a wrong code counts toward the account's lock
        done=None,
        to=safe_next(request.args.get("next")) or url_for("web.home"),
        page=lambda: _verify_page(user, form, SecurityKeyForm()),
    )


def _verify_page(user, form: SecondFactorCodeForm, key_form: SecurityKeyForm):
    has_keys = security_keys.has_keys(db.session, user)
    return render_template(
        "auth/second_factor.html",
        form=form,
        key_form=key_form,
        has_totp=second_factor.has_totp(db.session, user),
        key_options=(
            _ceremony(lambda rp: security_keys.authentication_options(db.session, user, rp))
            if has_keys
            else None
        ),
    )


@bp.route("/sign-in/second-factor/key", methods=["POST"])
@allow(SECOND_FACTOR)
def verify_key():
    """The second step of sign-in with a security key."""
    user = _me()
    key_form = SecurityKeyForm()
    rp_id, origin = _site()
    return submit(
        key_form,
        lambda: security_keys.authenticate(
            db.session, user, key_form.credential.data, _answered_challenge(), rp_id, origin
        ),
        then=lambda _: access.second_factor_passed(user),
        keep_refused=True,  # a wrong answer counts toward the account's lock
        done=None,
        to=safe_next(request.args.get("next")) or url_for("web.home"),
        page=lambda: _verify_page(user, SecondFactorCodeForm(formdata=None), key_form),
    )


@bp.route("/account/second-factor", methods=["GET", "POST"])
@allow("staff-any", SECOND_FACTOR)
def enrol():
    """Your second factor: add an authenticator app (QR code and secret, then a first code)."""
    user = _me()
    form = SecondFactorCodeForm()
    return submit(
        form,
        lambda: second_factor.confirm_totp(db.session, user, form.code.data),
        then=lambda codes: _enrolled(user, codes),
        done="Your authenticator app is set up.",
        to=url_for("second_factor.recovery_codes"),
        page=lambda: _enrol_page(user, form, SecurityKeyForm(formdata=None)),
    )


@bp.route("/account/second-factor/key", methods=["POST"])
@allow("staff-any", SECOND_FACTOR)
def register_key():
    """Register a security key or passkey as your second factor."""
    user = _me()
    key_form = SecurityKeyForm()
    rp_id, origin = _site()
    return submit(
        key_form,
        lambda: security_keys.register(
            db.session,
            user,
            key_form.credential.data,
            key_form.name.data,
            _answered_challenge(),
            rp_id,
            origin,
        ),
        then=lambda codes: _enrolled(user, codes),
        done="Your security key is registered.",
        to=lambda codes: url_for(
            "second_factor.recovery_codes" if codes else "second_factor.enrol"
        ),
        page=lambda: _enrol_page(user, SecondFactorCodeForm(formdata=None), key_form),
    )


def _enrolled(user, codes: list[str]) -> None:
    access.second_factor_passed(user)
    if codes:
        session[FRESH_CODES] = codes


def _enrol_page(user, form: SecondFactorCodeForm, key_form: SecurityKeyForm):
    has_totp = second_factor.has_totp(db.session, user)
    secret = None
    if not has_totp:
        secret = second_factor.pending_secret(db.session, user) or keep(
            second_factor.begin_totp(db.session, user)
        )
    uri = second_factor.provisioning_uri(secret, user.username) if secret else None
    return render_template(
        "auth/enrol.html",
        form=form,
        has_totp=has_totp,
        secret=secret,
        qr=second_factor.qr_svg(uri) if uri else None,
        must=second_factor.required(db.session, user, access.current_roles())
        or SECOND_FACTOR in access.current_roles(),
        codes_left=second_factor.recovery_codes_left(db.session, user),
        key_form=key_form,
        keys=security_keys.keys_of(db.session, user),
        key_options=_ceremony(lambda rp: security_keys.registration_options(db.session, user, rp)),
    )


@bp.route("/account/second-factor/recovery-codes")
@allow("staff-any")
def recovery_codes():
    """The recovery codes just made, shown this once."""
    return render_template("auth/recovery_codes.html", codes=session.pop(FRESH_CODES, None))


@bp.route("/account/second-factor/recovery-codes/new", methods=["POST"])
@allow("staff-any")
def new_recovery_codes():
    """Ten new recovery codes (the old ones stop working)."""
    user = _me()
    return confirm(
        lambda: second_factor.new_recovery_codes(db.session, user),
        then=lambda codes: session.__setitem__(FRESH_CODES, codes),
        done="New recovery codes are made; the old ones no longer work.",
        to=url_for("second_factor.recovery_codes"),
    )


@bp.route("/staff/second-factor", methods=["POST"])
@allow("director")
def policy():
    """The Director requires a second factor of every staff member, or only of those who must."""
    form = SecondFactorPolicyForm()
    return confirm(
        lambda: second_factor.set_required_for_all(
            db.session, current_user, form.required_for_all.data == "all"
        ),
        form=form,
        done=lambda row: (
            "Every staff member now needs a second factor."
            if row.required_for_all
            else "A second factor is now required of the Director, counsel and the administrator "
            "only; other staff may add one."
        ),
        to=url_for("auth.staff"),
    )
