"""The two-person rule (docs/rules.md R-two-person): an account the administrator created,
re-enabled, gave a new role, or reset reaches no record until a holder of the Director's powers
confirms it; for a reset of an existing person, that person's own second factor confirms it too.

This module keeps the mark on the account and the account events' words; auth/accounts.py decides
who may confirm and tells the Director; auth/service.py: roles_of() withholds the account's role
while the mark stands (the one place access is decided)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.audit import service as audit
from disclosure.audit.models import AuditEvent
from disclosure.auth.models import SecurityKey, TotpSecret, User

# What the administrator may have done, as kept in User.awaiting_confirmation.
CREATED, ENABLED, ROLE, PASSWORD, SECOND_FACTOR = (
    "created",
    "enabled",
    "role",
    "password",
    "second_factor",
)
AWAITING_WORDS = {
    CREATED: "created",
    ENABLED: "re-enabled",
    ROLE: "given a new role",
    PASSWORD: "password reset",
    SECOND_FACTOR: "second factor reset",
}

# Every account event: listed on the Director's Staff page and told to every holder of the
# Director's powers (by account number only).
ACCOUNT_EVENTS = {
    "user.created": "Account created",
    "user.enabled": "Account enabled",
    "user.disabled": "Account disabled",
    "user.role_changed": "Role changed",
    "user.supervisor_changed": "Supervisor changed",
    "user.contact_changed": "E-mail or phone changed",
    "user.password_reset": "Password set by someone else",
    "user.second_factor_reset": "Second factor reset",
    "user.confirmed": "Confirmed by the Director",
    "user.confirmed_by_owner": "Confirmed by its owner's second factor",
}


def mark(user: User, reason: str) -> None:
    """Add `reason` to what awaits confirmation on `user` (the clock starts at the first)."""
    if not user.awaiting:
        user.awaiting_since = clock.now()
    user.awaiting_confirmation = ",".join(sorted(user.awaiting | {reason}))


def clear(user: User) -> None:
    """Nothing awaits confirmation any more."""
    user.awaiting_confirmation = None
    user.awaiting_since = None


def words(user: User) -> str:
    """What awaits confirmation, in words ('created, password reset')."""
    return ", ".join(AWAITING_WORDS[reason] for reason in sorted(user.awaiting))


def _factor_from_before(session: Session, user: User, since: datetime) -> bool:
    """Whether `user` has a second factor enrolled before `since` (one the administrator, who
    acted at `since`, cannot have added)."""
    app = session.scalar(
        select(TotpSecret.id).where(
            TotpSecret.user_id == user.id,
            TotpSecret.confirmed_at.is_not(None),
            TotpSecret.confirmed_at < since,
        )
    )
    key = session.scalar(
        select(SecurityKey.id).where(SecurityKey.user_id == user.id, SecurityKey.created_at < since)
    )
    return app is not None or key is not None


def owner_passed_second_factor(session: Session, user: User) -> None:
    """The person passed their second step: a password reset alone is confirmed when the factor
    dates from before the reset (whoever chose the new password holds none of theirs)."""
    if user.awaiting != {PASSWORD} or user.awaiting_since is None:
        return
    if _factor_from_before(session, user, user.awaiting_since):
        _confirmed_by_owner(session, user)


def owner_enrolled(session: Session, user: User) -> None:
    """The person enrolled a new second factor: a second-factor reset alone is confirmed when
    they signed in with a password of their own (not one the administrator set)."""
    if user.awaiting == {SECOND_FACTOR} and not user.must_change_password:
        _confirmed_by_owner(session, user)


def _confirmed_by_owner(session: Session, user: User) -> None:
    clear(user)
    audit.record(session, user, "user.confirmed_by_owner", "user", user.id)


def account_events(session: Session, limit: int = 100) -> list[AuditEvent]:
    """The latest account events, newest first (the Director's Staff page)."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "user", AuditEvent.action.in_(ACCOUNT_EVENTS))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
