"""argon2id hashing for staff passwords and patron PINs (argon2-cffi: a vetted implementation
with sane defaults and built-in rehash checks, not something to write by hand)."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id by default


@functools.cache
def _dummy() -> str:
    # Hashing a dummy on unknown usernames keeps the time of "no such user" and "wrong password"
    # alike. Made on first use, not at import: every command would pay for it at start-up.
    return _hasher.hash("not-a-real-password")


def hash_secret(secret: str) -> str:
    """An argon2id hash of a password or PIN."""
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True when `secret` matches; spends the same effort when there is no stored hash."""
    try:
        return _hasher.verify(stored_hash or _dummy(), secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
