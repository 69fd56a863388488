"""Sign-in limits that hold across processes and restarts: every count lives in the database,
so two gunicorn workers, or a restarted server, see the same failures.

What is counted is never stored as typed: usernames, card numbers and addresses are kept only as
keyed hashes, and unknown names and cards are counted like real ones, so a lock says nothing
about whether an account or a card exists."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from disclosure import clock
from disclosure.auth.models import SignInAddressCard, SignInLock


@dataclass(frozen=True)
class LockRule:
    """`limit` failures within `window` lock the subject for `lockout`."""

    scope: str
    limit: int
    window: timedelta
    lockout: timedelta


# docs/rules.md R-sign-in-limits: a staff account after 10 failures in 15 minutes, from any
# address; a patron card after 5.
STAFF_ACCOUNT = LockRule("staff", 10, timedelta(minutes=15), timedelta(minutes=15))
PATRON_CARD = LockRule("card", 5, timedelta(minutes=15), timedelta(minutes=15))
# One address may try at most this many different cards an hour (a PIN sprayed across cards).
CARDS_PER_ADDRESS = 20
CARDS_WINDOW = timedelta(hours=1)


def keyed(value: str) -> str:
    """A keyed hash of what a person typed or where they came from (never stored as typed)."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()


def _lock(session: Session, rule: LockRule, key: str) -> SignInLock | None:
    return session.scalar(
        select(SignInLock).where(SignInLock.scope == rule.scope, SignInLock.subject_key == key)
    )


def locked_until(session: Session, rule: LockRule, key: str) -> datetime | None:
    """When the subject may try again, if it is locked now."""
    lock = _lock(session, rule, key)
    if lock is not None and lock.locked_until is not None and lock.locked_until > clock.now():
        return lock.locked_until
    return None


def fail(session: Session, rule: LockRule, key: str) -> datetime | None:
    """Count a failure; returns the end of the lock when this failure locks the subject."""
    now = clock.now()
    lock = _lock(session, rule, key)
    if lock is None:
        lock = SignInLock(scope=rule.scope, subject_key=key, failures=0, first_failed_at=now)
        session.add(lock)
    if lock.locked_until is not None or now - lock.first_failed_at > rule.window:
        lock.failures, lock.first_failed_at, lock.locked_until = 0, now, None
    lock.failures += 1
    lock.last_failed_at = now
    if lock.failures >= rule.limit:
        lock.locked_until = now + rule.lockout
        return lock.locked_until
    return None


def succeed(session: Session, rule: LockRule, key: str) -> None:
    """A right password or PIN forgets the subject's failures."""
    session.execute(
        delete(SignInLock).where(SignInLock.scope == rule.scope, SignInLock.subject_key == key)
    )


def card_allowed_from(session: Session, address: str | None, card_key: str) -> bool:
    """Whether `address` may try this card: it may keep trying cards it tried in the last hour,
    and try new ones until it has tried CARDS_PER_ADDRESS different cards."""
    if not address:
        return True
    address_key, since = keyed(address), clock.now() - CARDS_WINDOW
    tried = session.scalar(
        select(SignInAddressCard).where(
            SignInAddressCard.address_key == address_key, SignInAddressCard.card_key == card_key
        )
    )
    if tried is not None and tried.tried_at >= since:
        tried.tried_at = clock.now()
        return True
    recent = session.scalar(
        select(func.count())
        .select_from(SignInAddressCard)
        .where(SignInAddressCard.address_key == address_key, SignInAddressCard.tried_at >= since)
    )
    if recent >= CARDS_PER_ADDRESS:
        return False
    if tried is None:
        session.add(SignInAddressCard(address_key=address_key, card_key=card_key))
    else:
        tried.tried_at = clock.now()
    return True


def forget_old(session: Session, older_than: timedelta = timedelta(days=1)) -> int:
    """Drop counts older than `older_than` (they lock nothing any more); returns how many."""
    cutoff = clock.now() - older_than
    gone = session.execute(
        delete(SignInLock).where(
            SignInLock.last_failed_at < cutoff,
            (SignInLock.locked_until.is_(None)) | (SignInLock.locked_until < cutoff),
        )
    ).rowcount
    gone += session.execute(
        delete(SignInAddressCard).where(SignInAddressCard.tried_at < cutoff)
    ).rowcount
    return gone
