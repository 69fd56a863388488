"""Small helpers shared by views."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash

from disclosure.errors import DomainError


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to after sign-in, or None (never an open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def show_domain_error(form, err: DomainError) -> None:
    """Show a rule's refusal beside the field it concerns, or at the top of the page."""
    field = getattr(form, err.field, None) if err.field else None
    if field is not None:
        field.errors = list(field.errors) + [err.message]
    else:
        flash(err.message, "error")
