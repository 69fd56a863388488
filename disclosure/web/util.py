"""Small helpers shared by views."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import g

from disclosure.web import boundary

T = TypeVar("T")


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to after sign-in, or None (never an open redirect, and never a
    control character, which would break the redirect's header)."""
    return boundary.local_path(target)


def once_per_request(key: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, worked out once in this request under `key`: for lists that two panels of
    one page both show (the Director's home reads the open-case queue for two of them). Only for
    pages that read: a write in between would not be seen."""
    memo = g.setdefault("once_per_request", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]
