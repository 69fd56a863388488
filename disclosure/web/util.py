"""Small helpers shared by views."""

from __future__ import annotations

from disclosure.web import boundary


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to after sign-in, or None (never an open redirect, and never a
    control character, which would break the redirect's header)."""
    return boundary.local_path(target)
