"""The second factor (docs/rules.md R-second-factor): who must have one, enrolling an
authenticator app, checking its codes (each used once) and the single-use recovery codes.

A phished password alone must not open a case: everyone who holds the Director's powers (an
acting Director from the moment the appointment starts), counsel and the administrator need a
second factor; the Director may require one of every staff member."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.auth import confirmation, throttle
from disclosure.auth.models import RecoveryCode, Role, SecondFactorPolicy, SecurityKey, TotpSecret
from disclosure.errors import DomainError

STEP_SECONDS = 30
RECOVERY_CODES = 10
ISSUER = "Disclosure"
# Roles whose accounts reach every case or every account; 'director' also covers an acting
# Director, whose roles include it while the appointment is in force (auth.service.roles_of).
ALWAYS_REQUIRED = frozenset({Role.DIRECTOR.value, Role.COUNSEL.value, Role.ADMIN.value})


def _cipher() -> Fernet:
    """A key for TOTP secrets drawn from the app's secret key (so a copy of the database alone
    does not give the secrets away)."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hashlib.sha256(b"disclosure.totp:" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def policy(session: Session) -> SecondFactorPolicy:
    """The Director's choice (a row made on first use)."""
    row = session.get(SecondFactorPolicy, 1)
    if row is None:
        row = SecondFactorPolicy(id=1, required_for_all=False)
        session.add(row)
        session.flush()
    return row


def set_required_for_all(session: Session, actor, required: bool) -> SecondFactorPolicy:
    """The Director requires a second factor of every staff member, or only of those who must."""
    row = policy(session)
    row.required_for_all = required
    row.changed_at = clock.now()
    audit.record(
        session,
        actor,
        "second_factor.required_for_all" if required else "second_factor.required_for_some",
        "second_factor_policy",
        row.id,
    )
    return row


def required_for_everyone(session: Session) -> bool:
    """Whether the Director requires a second factor of every staff member."""
    row = session.get(SecondFactorPolicy, 1)
    return bool(row and row.required_for_all)


def required(session: Session, user, roles: frozenset[str]) -> bool:
    """Whether `user`, acting in `roles` now, must use a second factor."""
    return bool(roles & ALWAYS_REQUIRED) or required_for_everyone(session)


def _totp(session: Session, user) -> TotpSecret | None:
    return session.scalar(select(TotpSecret).where(TotpSecret.user_id == user.id))


def _keys(session: Session, user) -> list[SecurityKey]:
    return list(session.scalars(select(SecurityKey).where(SecurityKey.user_id == user.id)))


def has_totp(session: Session, user) -> bool:
    """Whether `user` has a confirmed authenticator app."""
    totp = _totp(session, user)
    return totp is not None and totp.confirmed_at is not None


def enrolled(session: Session, user) -> bool:
    """Whether `user` has any second factor: a confirmed authenticator app or a security key."""
    # One statement that loads no secret: the access guard asks this on each request of a
    # staff member who has not passed the second step.
    app = exists().where(TotpSecret.user_id == user.id, TotpSecret.confirmed_at.is_not(None))
    key = exists().where(SecurityKey.user_id == user.id)
    return bool(session.scalar(select(or_(app, key))))


def asked_of(session: Session, user, roles: frozenset[str]) -> bool:
    """Whether `user`, acting in `roles`, must pass a second step to sign in: it is required of
    them (`required`) or they have a second factor (`enrolled`)."""
    if roles & ALWAYS_REQUIRED:
        return True
    # One statement, not one for the policy and one for the factors: the access guard asks this
    # on each request of a staff member who has not passed the second step (most desk staff).
    everyone = exists().where(
        SecondFactorPolicy.id == 1, SecondFactorPolicy.required_for_all.is_(True)
    )
    app = exists().where(TotpSecret.user_id == user.id, TotpSecret.confirmed_at.is_not(None))
    key = exists().where(SecurityKey.user_id == user.id)
    return bool(session.scalar(select(or_(everyone, app, key))))


# ---- enrolling an authenticator app -------------------------------------------------------------


def begin_totp(session: Session, user) -> str:
    """A new secret for `user` to put in an authenticator app (kept unconfirmed until a code
    proves the app holds it). A confirmed one is never shown again: it is replaced only by a
    reset."""
    totp = _totp(session, user)
    if totp is not None and totp.confirmed_at is not None:
        raise DomainError("You already use an authenticator app.")
    return _store_secret(session, user, totp, pyotp.random_base32())


def _store_secret(session: Session, user, totp: TotpSecret | None, secret: str) -> str:
    if totp is None:
        totp = TotpSecret(user_id=user.id, created_at=clock.now())
        session.add(totp)
    totp.secret_encrypted = _cipher().encrypt(secret.encode()).decode()
    totp.last_step = None
    session.flush()
    return secret


def pending_secret(session: Session, user) -> str | None:
    """The secret being enrolled (shown on the enrolment page until confirmed), else None."""
    totp = _totp(session, user)
    if totp is None or totp.confirmed_at is not None:
        return None
    return _secret(totp)


def _secret(totp: TotpSecret) -> str:
    try:
        return _cipher().decrypt(totp.secret_encrypted.encode()).decode()
    except InvalidToken as err:  # the app's secret key changed since enrolment
        raise DomainError(
            "Your authenticator app can no longer be checked; ask the Director to reset your "
            "second factor."
        ) from err


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as inline SVG, drawn here (no outside service)."""
    # lazy, as disclosure/pdf.py loads WeasyPrint: only enrolling an app draws a QR code, and
    # loading the library cost every process's start-up (tests/test_startup.py)
    import segno

    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")


def confirm_totp(session: Session, user, code: str) -> list[str]:
    """Confirm the app with its first code; returns the new recovery codes (shown once)."""
    totp = _totp(session, user)
    if totp is None or totp.confirmed_at is not None:
        raise DomainError("Start again: open the page to add an authenticator app.")
    if not _accept_totp(totp, code):
        raise DomainError(
            "That code does not match. Check that the app shows the code for this account "
            "and type the six digits it shows now.",
            field="code",
        )
    totp.confirmed_at = clock.now()
    audit.record(session, user, "second_factor.totp_enrolled", "user", user.id)
    confirmation.owner_enrolled(session, user)
    return new_recovery_codes(session, user)


def _step(at=None) -> int:
    return int((at or clock.now()).timestamp()) // STEP_SECONDS


def _accept_totp(totp: TotpSecret, code: str) -> bool:
    """A code of this step or the one either side (clocks drift), never of a step already used:
    a code seen over a shoulder or replayed from a phishing page is refused."""
    code = "".join(code.split())
    if not code.isdigit():
        return False
    generator = pyotp.TOTP(_secret(totp))
    now = _step()
    for step in (now - 1, now, now + 1):
        if totp.last_step is not None and step <= totp.last_step:
            continue
        if hmac.compare_digest(generator.at(step * STEP_SECONDS), code):
            totp.last_step = step
            return True
    return False


# ---- recovery codes ----------------------------------------------------------------------------


def _hash_code(code: str) -> str:
    # The codes are 60 random bits each, so a plain digest suffices (unlike a chosen password).
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def _normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_codes(session: Session, user) -> list[str]:
    """Ten new single-use recovery codes for `user` (the old ones stop working)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(8)).decode().lower()[:12]
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    session.flush()
    return codes


def recovery_codes_left(session: Session, user) -> int:
    """How many of `user`'s recovery codes are unused."""
    return len(
        list(
            session.scalars(
                select(RecoveryCode.id).where(
                    RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
                )
            )
        )
    )


def _use_recovery_code(session: Session, user, code: str) -> bool:
    row = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = clock.now()
    audit.record(session, user, "second_factor.recovery_code_used", "user", user.id)
    return True


# ---- the second step of sign-in ----------------------------------------------------------------


def check_code(session: Session, user, code: str) -> None:
    """The second step of sign-in with an app code or a recovery code. A wrong code counts
    toward the account's sign-in limit, like a wrong password (auth/throttle.py)."""
    totp = _totp(session, user)
    code = (code or "").strip()
    if (totp is not None and totp.confirmed_at is not None and _accept_totp(totp, code)) or (
        len(_normal(code)) == 12 and _use_recovery_code(session, user, code)
    ):
        passed(session, user)
        return
    refused(session, user)


def passed(session: Session, user) -> None:
    """The whole sign-in is done: the account's count of failures starts over, and a password
    reset of its owner is confirmed by a factor older than the reset."""
    throttle.succeed(session, throttle.STAFF_ACCOUNT, throttle.keyed(user.username))
    confirmation.owner_passed_second_factor(session, user)


WRONG_CODE = (
    "That code is not right, or it was used already. Type the code your app shows now, "
    "or one of your recovery codes."
)


def refused(session: Session, user, message: str = WRONG_CODE) -> None:
    """Count a failed second step and refuse it (a DomainError); at the limit, end the account's
    sessions."""
    until = throttle.fail(session, throttle.STAFF_ACCOUNT, throttle.keyed(user.username))
    if until is not None:
        user.session_version = (user.session_version or 1) + 1
        raise DomainError(
            "Too many wrong codes. This account is locked for a while; sign in again later."
        )
    raise DomainError(message, field="code")


def reset(session: Session, actor, user) -> None:
    """Remove every second factor of `user` (the Director's reset; the person enrols again)."""
    session.execute(delete(TotpSecret).where(TotpSecret.user_id == user.id))
    session.execute(delete(SecurityKey).where(SecurityKey.user_id == user.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version = (user.session_version or 1) + 1
    audit.record(session, actor, "user.second_factor_reset", "user", user.id)


def enrol_known_secret(session: Session, user, secret: str) -> None:
    """Give `user` an authenticator app with a secret chosen elsewhere (the demo's published
    one; tests'); confirmed at once, with no recovery codes."""
    totp = _totp(session, user)
    _store_secret(session, user, totp, secret)
    _totp(session, user).confirmed_at = clock.now()


def current_code(session: Session, user) -> str | None:
    """The code `user`'s app shows now (the demo's `demo code` command), or None."""
    totp = _totp(session, user)
    if totp is None or totp.confirmed_at is None:
        return None
    return pyotp.TOTP(_secret(totp)).at(_step() * STEP_SECONDS)


# The demo library's accounts that need a second factor share this published secret (README,
# "Demo accounts"), so a newcomer can sign in as every role at once. Only the demo loader uses it.
DEMO_SECRET = "DEMOLIBRARYDEMOLIBRARYDEMOLIBRA2"
